# %% [markdown]
# # Baseline: a neural network on the table
#
# fastai's tabular model: each categorical column gets an embedding, numeric columns
# are normalised, missing values are filled (with a column saying they were), and a few
# fully connected layers learn the target. The metric each epoch is the competition's
# own. Everything this notebook saves lands in the run folder (`run_dir`).

# %% tags=["parameters"]
layers = [200, 100]  # sizes of the hidden layers
batch_size = 256
epochs = 5
lr = 1e-2  # peak learning rate; the lr_find plot below suggests one
find_lr = True  # plot loss against learning rate before training
valid_pct = 0.2  # share of the training rows held out for validation
seed = 42
balance = "none"  # "weights": weigh each class by its rarity, for imbalanced classes
num_workers = 0
project_dir = ".."  # set by `kagglekit run`
run_dir = "../runs/interactive"  # set by `kagglekit run`

# %%
from fastai.tabular.all import *

from kagglekit import notebook as kk

project = kk.open_project(project_dir, run_dir)
spec = project.spec
set_seed(seed, reproducible=True)
print(f"{spec.title}: {spec.task.value}, scored by {spec.metric.name}")
print("device:", kk.describe_device())

# %% [markdown]
# ## The data
#
# `competition.yaml` lists which columns are categories and which are numbers; free
# text and row ids are left out. Edit those lists to add or drop features.

# %%
items = project.training_items()
# RMSLE scores log(1 + y): learning log(1 + y) makes the training loss the metric.
log_target = spec.metric.name == "rmsle"
if log_target:
    items = kk.log1p_labels(items)
splits = kk.split_items(items, valid_pct, seed, stratify=spec.single_label)
items, splits = kk.check_training_data(items, splits, spec)
dls = kk.tabular_dataloaders(spec, items, splits, batch_size, num_workers, seed)
dls.show_batch()

# %% [markdown]
# ## The learner

# %%
metric = kk.fastai_metric(spec, dls, log_target)
learn = kk.make_tabular_learner(dls, spec, layers, metrics=metric,
                                loss_func=kk.balanced_loss(dls, spec, balance))
if find_lr:
    suggestion = learn.lr_find()
    project.save_figure("lr_find.png")
    print(f"suggested learning rate: {suggestion.valley:.1e} (this run uses lr={lr:.1e})")

# %%
learn.fit_one_cycle(epochs, lr)

# %% [markdown]
# ## Validation score
#
# The competition's metric on the validation rows, next to what a model that ignores
# the features would get (the training prior, or the mean for regression).

# %%
probs, targets = learn.get_preds()
probs, targets = probs.numpy(), targets.numpy()
train_targets = kk.train_targets(dls)
if log_target:
    probs, targets, train_targets = np.expm1(probs), np.expm1(targets), np.expm1(train_targets)
vocab = kk.vocab_of(dls)
score = kk.score_outputs(spec, probs, targets, vocab)
baseline = kk.score_outputs(spec, kk.baseline_outputs(spec, train_targets, len(targets), vocab),
                            targets, vocab)
print(kk.describe_against_baseline(spec, score, baseline))
project.save_metrics(
    metric=spec.metric.name,
    higher_is_better=spec.metric.higher_is_better,
    valid_score=score,
    baseline_score=baseline,
    valid_items=len(targets),
    train_items=len(splits[0]),
    log_target=log_target,
)

# %% [markdown]
# ## Export

# %%
learn.export(project.model_path)
print("exported", project.model_path.name)
