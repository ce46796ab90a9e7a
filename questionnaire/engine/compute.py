"""Training-compute estimates (Guidelines Annex A.2): architecture-based and hardware-based."""

from __future__ import annotations

from dataclasses import dataclass

from .values import parse_flop

SECONDS_PER_DAY = 86_400
# Peak dense FLOP/s used in the Guidelines' worked examples (Annex A.3).
ACCELERATORS = {"a100": ("NVIDIA A100", 3.0e14), "h100": ("NVIDIA H100", 9.89e14)}
MARGIN = 0.30  # estimates need only be within 30 % (Guidelines Annex A.2)


@dataclass(frozen=True)
class Estimate:
    flop: float
    method: str
    formula: str

    @property
    def low(self) -> float:
        return self.flop * (1 - MARGIN)

    @property
    def high(self) -> float:
        return self.flop * (1 + MARGIN)


def quantity(text: str | float, what: str) -> float:
    """A positive number in the notations FLOP fields accept (70e9, 7 × 10^10, 70000000000)."""
    try:
        value = parse_flop(text)
    except ValueError:
        raise ValueError(f"Enter the {what} as a number, for example 7e10 or 7 × 10^10.") from None
    if value <= 0:
        raise ValueError(f"The {what} must be more than zero.")
    return value


def architecture_estimate(parameters: str | float, tokens: str | float) -> Estimate:
    """Dense decoder transformer: 6 × parameters × training tokens (forward and backward passes)."""
    p, d = quantity(parameters, "number of parameters"), quantity(tokens, "number of training tokens")
    return Estimate(6 * p * d, "architecture", "6 × parameters × tokens")


def hardware_estimate(accelerators: str | float, days: str | float, peak_flops: str | float,
                      utilisation_percent: str | float) -> Estimate:
    """Accelerators × seconds × peak FLOP/s × utilisation."""
    n = quantity(accelerators, "number of accelerators")
    seconds = quantity(days, "number of days") * SECONDS_PER_DAY
    peak = quantity(peak_flops, "peak FLOP/s per accelerator")
    utilisation = quantity(utilisation_percent, "utilisation") / 100
    if utilisation > 1:
        raise ValueError("Utilisation is a percentage between 0 and 100.")
    return Estimate(n * seconds * peak * utilisation, "hardware",
                    "accelerators × seconds × peak FLOP/s × utilisation")
