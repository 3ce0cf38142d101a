# %% [markdown]
# # Inference: predict every test image in batches
#
# One `test_dl` over all the test images and one `get_preds` pass: the fast way to
# predict many files (`learn.predict` handles one item at a time). A confidence
# `threshold` marks predictions the model is unsure of as `unknown`; `threshold="auto"`
# chooses it on the validation images so that the predictions kept reach
# `target_accuracy`. The submission is built from the probabilities saved here.

# %% tags=["parameters"]
batch_size = 64
tta = False  # test-time augmentation: average predictions over flipped and cropped copies
threshold = "auto"  # a number in [0, 1], or "auto" to reach target_accuracy on validation
target_accuracy = 0.95  # accuracy that the predictions kept must reach (threshold="auto")
valid_pct = 0.2
seed = 42
num_workers = 0
project_dir = ".."  # set by `kagglekit run`
run_dir = "../runs/interactive"  # set by `kagglekit run`
model_path = ""  # set by `kagglekit run`; empty means this run's model.pkl

# %%
from fastai.vision.all import *

from kagglekit import notebook as kk

project = kk.open_project(project_dir, run_dir)
spec = project.spec
learn = kk.load_learner_here(model_path or project.model_path)
size = kk.image_size_of(learn)  # validation images are prepared as in training
vocab = kk.vocab_of(learn.dls)
print("device:", kk.describe_device())

# %% [markdown]
# ## All test images in one batched pass

# %%
test = project.test_items()
probs = kk.predict_test_images(learn, test["file"].tolist(), tta=tta, batch_size=batch_size)
if not spec.task.is_regression:
    kk.check_probabilities(probs, single_label=spec.single_label)
project.save_probabilities(test["id"], probs, vocab)
print(f"predicted {len(test)} test images")

# %% [markdown]
# ## The confidence threshold, chosen on validation
#
# For each possible threshold: the share of validation predictions kept (coverage) and
# their accuracy. A higher threshold keeps fewer, better predictions. Multi-label models
# get one threshold per label instead, each the best for the competition's F-score.

# %%
items = project.training_items()
splits = kk.split_items(items, valid_pct, seed, stratify=spec.single_label)
items, splits = kk.check_training_data(items, splits, spec)
dls = kk.image_dataloaders(spec, items, splits, size, batch_size, num_workers, seed=seed)
valid_probs, valid_targets = learn.get_preds(dl=dls.valid)
valid_probs, valid_targets = valid_probs.numpy(), valid_targets.numpy()

if spec.multilabel:
    chosen = kk.tune_label_thresholds(valid_probs, valid_targets, vocab, kk.f_beta_of(spec))
    project.save_thresholds(chosen)
    display(chosen)
elif spec.single_label:
    confidences = valid_probs.max(1)
    correct = valid_probs.argmax(1) == valid_targets
    chosen = kk.choose_threshold(confidences, correct, threshold, target_accuracy)
    kk.warn_if_threshold_cannot_fire(chosen.value, len(vocab))
    kk.plot_coverage_accuracy(kk.coverage_curve(confidences, correct), chosen)
    project.save_figure("coverage_accuracy.png")
    unknown_share = float((confidences < chosen.value).mean())
    print(f"threshold {chosen.value:.3f}: {unknown_share:.1%} of validation images are unknown")
    project.save_metrics(threshold=chosen.value, valid_unknown_share=unknown_share)

# %% [markdown]
# ## Test predictions with `unknown`
#
# `label` is always the top class; `unknown` says whether its confidence is below the
# threshold. The submission uses the probabilities, so `unknown` never reaches it
# unless `unknown` is one of the competition's classes.

# %%
if spec.single_label:
    predictions = kk.label_predictions(test["id"], probs, vocab, chosen.value)
    predictions.to_csv(project.output("test_predictions.csv"), index=False)
    print(f"{predictions['unknown'].mean():.1%} of test images are unknown")
    display(predictions.head())
