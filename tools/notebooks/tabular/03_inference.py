# %% [markdown]
# # Inference: predict every test row in batches
#
# One `test_dl` over the whole test table and one `get_preds` pass. For classification
# a confidence `threshold` marks uncertain predictions as `unknown`; `threshold="auto"`
# chooses it on validation so that the predictions kept reach `target_accuracy`. The
# submission is built from the outputs saved here.

# %% tags=["parameters"]
batch_size = 256
threshold = "auto"  # a number in [0, 1], or "auto" to reach target_accuracy on validation
target_accuracy = 0.95  # accuracy that the predictions kept must reach (threshold="auto")
valid_pct = 0.2
seed = 42
project_dir = ".."  # set by `kagglekit run`
run_dir = "../runs/interactive"  # set by `kagglekit run`
model_path = ""  # set by `kagglekit run`; empty means this run's model.pkl

# %%
from fastai.tabular.all import *

from kagglekit import notebook as kk

project = kk.open_project(project_dir, run_dir)
spec = project.spec
learn = kk.load_learner_here(model_path or project.model_path)
vocab = kk.vocab_of(learn.dls)
log_target = bool(project.read_metrics().get("log_target"))

# %% [markdown]
# ## All test rows in one batched pass

# %%
test = project.test_items()
outputs = kk.predict_items(learn, test.drop(columns="id"), batch_size=batch_size)
if log_target:
    outputs = np.expm1(outputs)
if not spec.task.is_regression:
    kk.check_probabilities(outputs, single_label=spec.single_label)
project.save_probabilities(test["id"], outputs, vocab)
print(f"predicted {len(test)} test rows")

# %% [markdown]
# ## The confidence threshold, chosen on validation

# %%
items = project.training_items()
splits = kk.split_items(items, valid_pct, seed, stratify=spec.single_label)
frame, _ = kk.tabular_frame(spec, items)
valid_probs, valid_targets = learn.get_preds(
    dl=learn.dls.test_dl(frame.iloc[splits[1]], with_labels=True))
valid_probs, valid_targets = valid_probs.numpy(), valid_targets.numpy()

if spec.multilabel:
    chosen = kk.tune_label_thresholds(valid_probs, valid_targets, vocab, kk.f_beta_of(spec))
    project.save_thresholds(chosen)
    display(chosen)
elif spec.single_label:
    confidences = valid_probs.max(1)
    correct = valid_probs.argmax(1) == valid_targets.reshape(-1)
    chosen = kk.choose_threshold(confidences, correct, threshold, target_accuracy)
    kk.warn_if_threshold_cannot_fire(chosen.value, len(vocab))
    kk.plot_coverage_accuracy(kk.coverage_curve(confidences, correct), chosen)
    project.save_figure("coverage_accuracy.png")
    unknown_share = float((confidences < chosen.value).mean())
    print(f"threshold {chosen.value:.3f}: {unknown_share:.1%} of validation rows are unknown")
    project.save_metrics(threshold=chosen.value, valid_unknown_share=unknown_share)

# %% [markdown]
# ## Test predictions with `unknown`

# %%
if spec.single_label:
    predictions = kk.label_predictions(test["id"], outputs, vocab, chosen.value)
    predictions.to_csv(project.output("test_predictions.csv"), index=False)
    display(predictions.head())
