# %% [markdown]
# # Error analysis: where is the model wrong?
#
# Classification: which classes are confused, each class against the majority class,
# the rows the model is most confidently wrong about, and whether its confidence can
# be trusted. Regression: predicted against actual values and the rows furthest off.

# %% tags=["parameters"]
batch_size = 256
valid_pct = 0.2
seed = 42
num_workers = 0
project_dir = ".."  # set by `kagglekit run`
run_dir = "../runs/interactive"  # set by `kagglekit run`
model_path = ""  # set by `kagglekit run`; empty means this run's model.pkl

# %%
from fastai.tabular.all import *

from kagglekit import notebook as kk

project = kk.open_project(project_dir, run_dir)
spec = project.spec
learn = kk.load_learner_here(model_path or project.model_path)

# The same validation split as the baseline: same rows, same seed, same share.
items = project.training_items()
if project.read_metrics().get("log_target"):
    items = kk.log1p_labels(items)
splits = kk.split_items(items, valid_pct, seed, stratify=spec.single_label)
items, splits = kk.check_training_data(items, splits, spec)
frame, _ = kk.tabular_frame(spec, items)
valid_dl = learn.dls.test_dl(frame.iloc[splits[1]], with_labels=True)
probs, targets = learn.get_preds(dl=valid_dl)
probs, targets = probs.numpy(), targets.numpy()
if spec.single_label:
    targets = targets.reshape(-1)  # one class index per row
vocab = kk.vocab_of(learn.dls)

# %% [markdown]
# ## Confusion, or predicted against actual

# %%
if spec.task.is_regression:
    kk.plot_predicted_vs_actual(probs, targets)
    project.save_figure("predicted_vs_actual.png")
elif spec.multilabel:
    display(kk.per_label_counts(probs, targets, vocab))
else:
    kk.plot_confusion_matrix(targets, probs.argmax(1), vocab)
    project.save_figure("confusion_matrix.png")
    confused = kk.most_confused(targets, probs.argmax(1), vocab)
    confused.to_csv(project.output("most_confused.csv"), index=False)
    display(confused.head(15))

# %% [markdown]
# ## Each class against the majority baseline

# %%
if not spec.task.is_regression:
    report = kk.per_class_report(probs, targets, vocab, spec.multilabel)
    report.to_csv(project.output("per_class.csv"))
    display(report)

# %% [markdown]
# ## Rows to look at
#
# Confidently wrong rows (or, for regression, the rows furthest off) are often data
# errors or cases the features cannot explain.

# %%
candidates = kk.mislabel_candidates(learn, items, splits, frame=frame)
candidates.to_csv(project.output("mislabel_candidates.csv"), index=False)
display(candidates.head(10))

# %% [markdown]
# ## Can the confidence be trusted?

# %%
if not spec.task.is_regression:
    kk.plot_reliability(probs, targets, spec.multilabel)
    project.save_figure("reliability.png")
project.save_metrics(**kk.summary_of_errors(probs, targets, spec))
