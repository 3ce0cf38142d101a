"""Names of the files a run leaves in ``runs/<run-id>/``."""

MODEL = "model.pkl"
METRICS = "metrics.json"
PROBABILITIES = "test_probabilities.csv"  # id, then one column per class (or target)
PREDICTIONS = "test_predictions.csv"  # id, label, confidence, unknown
THRESHOLDS = "thresholds.json"  # per-label thresholds of multi-label models
RUN_INFO = "run.json"  # status, parameters, device, versions, timings
PARAMETERS = "params.yaml"  # the resolved parameters of the run
LOG = "run.log"  # everything the notebooks printed
SUBMISSION = "submission.csv"
