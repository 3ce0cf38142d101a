"""What detection found about a competition's training and test items."""

from __future__ import annotations

from dataclasses import dataclass, field

from kagglekit.detection.labels import Labels
from kagglekit.spec import TestItems, TrainItems


@dataclass
class TrainFound:
    """Training items as detected: where they are, their labels and how many."""

    train: TrainItems
    labels: Labels
    count: int
    class_counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)  # image folders the training items use


@dataclass
class FoundItems:
    """Training and test items of a competition, as detected."""

    train: TrainItems
    test: TestItems
    labels: Labels
    train_count: int
    class_counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    train_folders: list[str] = field(default_factory=list)
