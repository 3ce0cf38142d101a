"""kagglekit: a Kaggle competition as a fastai practice project in one command."""

__version__ = "0.1.0"
