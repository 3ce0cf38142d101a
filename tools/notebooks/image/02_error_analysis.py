# %% [markdown]
# # Error analysis: what does the model get wrong?
#
# Before training longer, look at the mistakes: which classes are confused, which
# images cost the most loss (often mislabelled or unusual), how each class fares
# against a model that always answers with the most common class, and whether the
# model's confidence can be trusted.

# %% tags=["parameters"]
batch_size = 64
valid_pct = 0.2
seed = 42
num_workers = 0
top_losses = 9  # images shown in the top-losses grid
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

# The same validation split as the baseline: same items, same seed, same share.
items = project.training_items()
splits = kk.split_items(items, valid_pct, seed, stratify=spec.single_label)
items, splits = kk.check_training_data(items, splits, spec)
learn.dls = kk.image_dataloaders(spec, items, splits, size, batch_size, num_workers, seed=seed)
vocab = kk.vocab_of(learn.dls)
probs, targets, losses = learn.get_preds(with_loss=True)

# %% [markdown]
# ## Confusion
#
# Rows are the true classes, columns the predicted ones. With many classes the cell
# numbers are left out and the table of most-confused pairs below says the same.
# Multi-label models get one row of counts per label instead, and regression models a
# plot of predicted against actual values.

# %%
if spec.task.is_regression:
    kk.plot_predicted_vs_actual(probs.numpy(), targets.numpy())
    project.save_figure("predicted_vs_actual.png")
elif spec.multilabel:
    table = kk.per_label_counts(probs.numpy(), targets.numpy(), vocab)
    table.to_csv(project.output("per_label_counts.csv"))
    display(table)
else:
    kk.plot_confusion_matrix(targets.numpy(), probs.numpy().argmax(1), vocab)
    project.save_figure("confusion_matrix.png")
    confused = kk.most_confused(targets.numpy(), probs.numpy().argmax(1), vocab)
    confused.to_csv(project.output("most_confused.csv"), index=False)
    display(confused.head(15))

# %% [markdown]
# ## Top losses
#
# The validation images the model was most wrong and most sure about. Check their
# labels: Kaggle data has mislabelled items, and these are where they show up.

# %%
kk.plot_top_losses(items.iloc[splits[1]], probs.numpy(), targets.numpy(), losses.numpy(),
                   vocab, top_losses)
project.save_figure("top_losses.png")

# %% [markdown]
# ## Each class against the majority baseline
#
# Accuracy hides classes the model never predicts. Precision, recall and F1 per class,
# and the same for a model that always answers with the most common class.

# %%
if not spec.task.is_regression:
    report = kk.per_class_report(probs.numpy(), targets.numpy(), vocab, spec.multilabel)
    report.to_csv(project.output("per_class.csv"))
    display(report)

# %% [markdown]
# ## Likely mislabelled items
#
# Every labelled item scored without augmentation; those predicted wrongly with high
# confidence (or, for regression, furthest off) come first. Review the files in this
# table, fix labels you disagree with, and train again.

# %%
candidates = kk.mislabel_candidates(learn, items, splits)
candidates.to_csv(project.output("mislabel_candidates.csv"), index=False)
display(candidates.head(10))

# %% [markdown]
# ## Can the confidence be trusted?
#
# A reliable model is right 80% of the time when it says 80%. Bars below the diagonal
# mean overconfidence: the `threshold` of the inference notebook depends on this.

# %%
if not spec.task.is_regression:
    kk.plot_reliability(probs.numpy(), targets.numpy(), spec.multilabel)
    project.save_figure("reliability.png")
project.save_metrics(**kk.summary_of_errors(probs.numpy(), targets.numpy(), spec))
