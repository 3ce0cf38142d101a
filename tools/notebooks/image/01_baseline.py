# %% [markdown]
# # Baseline: fine-tune a pretrained network
#
# The fast.ai recipe: look at the data, pick a learning rate, fine-tune a pretrained
# network, and measure it on held-out validation images with the competition's own
# metric. Everything this notebook saves lands in the run folder (`run_dir`).
#
# Change anything you like. `kagglekit run -p epochs=10` overrides a parameter below
# for one run; `params.yaml` holds the project's own defaults.

# %% tags=["parameters"]
arch = "resnet34"  # a torchvision or timm architecture, e.g. resnet18, convnext_tiny
pretrained = True  # start from ImageNet weights (from scratch if they can't be fetched)
size = 224  # images are resized to size x size pixels
batch_size = 64
epochs = 5
lr = 2e-3  # peak learning rate; the lr_find plot below suggests one
find_lr = True  # plot loss against learning rate before training
valid_pct = 0.2  # share of the training items held out for validation
seed = 42
balance = "none"  # "weights": weigh each class by its rarity, for imbalanced classes
flip = True  # mirror images while training (turn off for digits or text)
num_workers = 0  # processes that load images (0 is safest on Windows and macOS)
project_dir = ".."  # set by `kagglekit run`
run_dir = "../runs/interactive"  # set by `kagglekit run`

# %%
from fastai.vision.all import *

from kagglekit import notebook as kk

project = kk.open_project(project_dir, run_dir)
spec = project.spec
set_seed(seed, reproducible=True)
print(f"{spec.title}: {spec.task.value}, scored by {spec.metric.name}")
print("device:", kk.describe_device())

# %% [markdown]
# ## The data
#
# One row per training image: its file, its label and its group (images of one group,
# such as one patient's two eyes, stay on the same side of the split). The check
# skips missing or unreadable images and stops on labels that cannot be right.

# %%
items = project.training_items()
splits = kk.split_items(items, valid_pct, seed, stratify=spec.single_label)
items, splits = kk.check_training_data(items, splits, spec)
kk.class_counts_by_split(items, splits)

# %%
dls = kk.image_dataloaders(spec, items, splits, size, batch_size, num_workers, flip, seed)
if spec.single_label:
    kk.plot_one_per_class(items.iloc[splits[0]])  # every class once, as the data has it
else:
    dls.show_batch(max_n=9, figsize=(8, 8))  # a training batch, augmented

# %% [markdown]
# ## The learner
#
# `vision_learner` puts a new head on the architecture for this competition's classes.
# The metric each epoch is the competition's own. On a GPU, mixed precision
# (`to_fp16`) roughly halves memory and time.

# %%
loss_func = kk.balanced_loss(dls, spec, balance)
learn = kk.make_vision_learner(dls, arch, pretrained, metrics=kk.fastai_metric(spec, dls),
                               loss_func=loss_func)
if kk.on_cuda():
    learn = learn.to_fp16()
kk.cpu_notice(len(items), epochs, size, arch)

# %%
if find_lr:
    suggestion = learn.lr_find()
    project.save_figure("lr_find.png")
    print(f"suggested learning rate: {suggestion.valley:.1e} (this run uses lr={lr:.1e})")

# %% [markdown]
# ## Training
#
# With pretrained weights, `fine_tune` first trains the new head alone, then the whole
# network. From scratch there is nothing to protect, so one cycle trains it all.

# %%
if learn.pretrained:
    learn.fine_tune(epochs, lr)
else:
    learn.fit_one_cycle(epochs, lr)

# %% [markdown]
# ## Validation score
#
# The competition's metric on the validation images, next to what a model that
# ignores the images would get by always answering with the training data's prior.

# %%
probs, targets = learn.get_preds()
score = kk.score_outputs(spec, probs.numpy(), targets.numpy(), kk.vocab_of(dls))
prior = kk.baseline_outputs(spec, kk.train_targets(dls), len(targets), kk.vocab_of(dls))
baseline = kk.score_outputs(spec, prior, targets.numpy(), kk.vocab_of(dls))
print(kk.describe_against_baseline(spec, score, baseline))
project.save_metrics(
    metric=spec.metric.name,
    higher_is_better=spec.metric.higher_is_better,
    valid_score=score,
    baseline_score=baseline,
    valid_items=len(targets),
    train_items=len(splits[0]),
)

# %% [markdown]
# ## Export
#
# The exported learner holds the model and its data transforms; the next notebooks and
# `kagglekit predict` load it with `load_learner`.

# %%
learn.export(project.model_path)
print("exported", project.model_path.name)
