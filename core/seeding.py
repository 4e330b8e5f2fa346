"""Deterministic demo data, built app by app.

`seed_demo` calls `seed(ctx)` in each app's `demo` module, in `SEED_ORDER` (accounts first: the
demo users act in later apps' histories). Every random choice goes through `ctx.rng`, seeded by
`--seed`, so the same seed and scale give the same data. Apps keep what later apps need in
`ctx.objects`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TextIO

# Apps that contribute demo data, in dependency order.
SEED_ORDER = ["accounts", "network", "onboarding", "reports", "cms"]


@dataclass
class DemoContext:
    rng: random.Random
    seed: int
    scale: int | None
    password: str
    today: date
    stdout: TextIO
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)

    @property
    def hotline_count(self) -> int:
        """Hotlines to build: the real network's size, or --scale."""
        return self.scale if self.scale else 55

    def log(self, message: str) -> None:
        self.stdout.write(f"  {message}\n")
