# %% [markdown]
# # From scratch: pixel means, a linear model, SGD by hand
#
# Chapter 4 of the fast.ai book, on this competition's own images: images as tensors,
# broadcasting, a baseline that needs no training at all (the mean image of each class),
# then a linear model trained with stochastic gradient descent written out by hand.
# No fastai `Learner` here: every step of training is in plain sight.
#
# Run it by name: `kagglekit run 04_from_scratch`. Its knobs are named `scratch_*` so
# that `params.yaml`'s settings for the baseline (its image size and learning rate)
# do not reach this model; `valid_pct` and `seed` are shared on purpose, so that the
# validation images are the baseline's and the scores compare.

# %% tags=["parameters"]
scratch_size = 28  # images shrink to scratch_size x scratch_size pixels (MNIST's size)
scratch_epochs = 10
scratch_lr = 0.1  # step size of the hand-written SGD
scratch_batch_size = 256
scratch_max_items = 10000  # a random sample of at most this many images keeps it quick
valid_pct = 0.2  # as in the baseline: the same validation images
seed = 42
project_dir = ".."  # set by `kagglekit run`
run_dir = "../runs/interactive"  # set by `kagglekit run`

# %%
from fastai.vision.all import *

from kagglekit import history
from kagglekit import notebook as kk

project = kk.open_project(project_dir, run_dir)
spec = project.spec
if not spec.single_label:
    raise ValueError("04_from_scratch practises single-label classification; "
                     f"this competition is {spec.task.value}")
set_seed(seed)

# %% [markdown]
# ## Images as tensors
#
# The baseline's split of the training items. Each image becomes a tensor of shape
# `(3, size, size)` with values between 0 and 1; a stack of them is one rank-4 tensor.

# %%
items = project.training_items()
splits = kk.split_items(items, valid_pct, seed, stratify=True)
items, splits = kk.check_training_data(items, splits, spec)
rng = np.random.default_rng(seed)
train_rows, valid_rows = (
    rng.permutation(side)[: round(scratch_max_items * len(side) / len(items))] for side in splits
)

vocab = sorted(items["label"].astype(str).unique())
def load_images(rows):
    files = items["file"].iloc[rows]
    pixels = [tensor(Image.open(f).convert("RGB").resize((scratch_size, scratch_size)))
              for f in files]  # (size, size, 3) each: channels go first, as in PyTorch
    return torch.stack([p.permute(2, 0, 1) for p in pixels]).float() / 255
def load_labels(rows):
    return tensor(items["label"].iloc[rows].astype(str).map(vocab.index).to_numpy())

train_x, valid_x = load_images(train_rows), load_images(valid_rows)
train_y, valid_y = load_labels(train_rows), load_labels(valid_rows)
assert train_x.shape == (len(train_rows), 3, scratch_size, scratch_size)
assert train_x.min() >= 0 and train_x.max() <= 1
print(f"train {tuple(train_x.shape)}, valid {tuple(valid_x.shape)}, {len(vocab)} classes")

# %% [markdown]
# ## A baseline with no training: the mean image of each class
#
# Average the training images of each class, then call each validation image the class
# whose mean it is closest to (mean absolute difference of the pixels). Broadcasting
# does the pairing: `(n, 1, 3, h, w) - (classes, 3, h, w)` gives every image against
# every mean at once, without a Python loop.

# %%
means = torch.stack([train_x[train_y == c].mean(0) for c in range(len(vocab))])
show_images(means[:30], nrows=math.ceil(min(len(vocab), 30) / 10), titles=vocab[:30])
project.save_figure("mean_images.png")

def distance(images, means):
    return (images[:, None] - means[None]).abs().mean((-1, -2, -3))

distances = torch.cat([distance(chunk, means) for chunk in valid_x.split(256)])
assert distances.shape == (len(valid_x), len(vocab))
pixel_mean_accuracy = (distances.argmin(1) == valid_y).float().mean().item()
print(f"pixel-mean accuracy on validation: {pixel_mean_accuracy:.4f}")

# %% [markdown]
# ## A linear model, trained by hand
#
# One weight per pixel and class, and one bias per class: `x @ weights + bias` gives a
# score per class. With more than two classes the loss is cross-entropy: softmax turns
# the scores into probabilities, and the loss is minus the log of the probability of
# the right class. Each step computes the loss on a mini-batch, `backward` puts its
# gradient in each parameter's `.grad`, `step` moves the parameters against it, and
# `zero_grad` clears it for the next batch. The pixels are centred first (the mean
# training image is subtracted), which lets a larger step train smoothly.

# %%
def init_params(shape, std=0.01):
    return (torch.randn(shape) * std).requires_grad_()

weights = init_params((3 * scratch_size * scratch_size, len(vocab)))
bias = init_params(len(vocab))
mean_image = train_x.mean(0)

def linear(images):
    return (images - mean_image).view(len(images), -1) @ weights + bias

def cross_entropy(scores, targets):
    return -scores.log_softmax(1)[torch.arange(len(targets)), targets].mean()

class BasicOptim:
    def __init__(self, params, lr):
        self.params, self.lr = list(params), lr
    def step(self):
        for p in self.params:
            p.data -= p.grad.data * self.lr
    def zero_grad(self):
        for p in self.params:
            p.grad = None

def accuracy(images, targets):
    with torch.no_grad():
        return (linear(images).argmax(1) == targets).float().mean().item()

# %%
optimizer = BasicOptim([weights, bias], scratch_lr)
losses = []
for epoch in range(scratch_epochs):
    total = 0.0
    for batch in torch.randperm(len(train_x)).split(scratch_batch_size):
        loss = cross_entropy(linear(train_x[batch]), train_y[batch])
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item() * len(batch)
    losses.append(total / len(train_x))
    print(f"epoch {epoch + 1}/{scratch_epochs}  train_loss {losses[-1]:.4f}  "
          f"accuracy {accuracy(valid_x, valid_y):.4f}")

assert losses[-1] < losses[0], "the loss should fall: try a smaller scratch_lr"
linear_accuracy = accuracy(valid_x, valid_y)
print(f"linear-model accuracy on validation: {linear_accuracy:.4f}")

# %% [markdown]
# ## Against the fastai baseline
#
# The baseline's accuracy on the same validation images: from this run when
# `01_baseline` ran in it, else from the newest successful run that trained one.

# %%
project.save_metrics(from_scratch_pixel_mean_accuracy=pixel_mean_accuracy,
                     from_scratch_linear_accuracy=linear_accuracy)
baseline, source = project.read_metrics(), "this run"
if "valid_score" not in baseline:
    trained = [run for run in history.list_runs(project.root)
               if run.record.status == history.SUCCEEDED and run.record.valid_score is not None]
    baseline, source = {}, ""
    if trained:
        newest = trained[0]
        baseline, source = newest.metrics(), f"run {newest.id}"
        if (newest.record.params.get("valid_pct"), newest.record.params.get("seed")) != (
            valid_pct, seed
        ):
            print(f"note: {source} used another valid_pct or seed, so other validation images")

scores = {"pixel means": pixel_mean_accuracy, "linear model": linear_accuracy}
if baseline.get("metric") == "accuracy":
    scores[f"fastai baseline ({source})"] = baseline["valid_score"]
elif "valid_error_rate" in baseline:
    scores[f"fastai baseline ({source})"] = 1 - baseline["valid_error_rate"]
elif baseline:
    print(f"the baseline ({source}) scored {baseline['metric']} {baseline['valid_score']:.4f}; "
          "02_error_analysis measures its accuracy")
else:
    print("no trained baseline yet: `kagglekit run` trains one")
pd.Series(scores, name="accuracy on validation").round(4).to_frame()
