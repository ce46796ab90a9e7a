"""Training-compute estimates (Guidelines Annex A.2): architecture-based and hardware-based."""

from __future__ import annotations

from dataclasses import dataclass

from .values import MAX_FLOP, QUANTITY_FORMAT_HELP, parse_quantity

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


class EstimateInputError(ValueError):
    """A bad estimator input; `field` names it (parameters, tokens, accelerators, days, peak, utilisation)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def quantity(text: str | float, what: str, field: str = "") -> float:
    """A positive number in the notations FLOP fields accept (70e9, 7 × 10^10) or with a scale (70B, 7 billion)."""
    try:
        value = parse_quantity(text)
    except ValueError:
        raise EstimateInputError(field, f"Enter the {what} as a number, {QUANTITY_FORMAT_HELP}.") from None
    if value <= 0:
        raise EstimateInputError(field, f"The {what} must be more than zero.")
    return value


def bounded(estimate: Estimate, field: str) -> Estimate:
    """Each input is bounded (parse_quantity), their product may still exceed what a FLOP answer accepts."""
    if estimate.flop > MAX_FLOP:
        raise EstimateInputError(field, "The estimate is larger than 10^40 FLOP, beyond any training run: check "
                                        "the figures.")
    return estimate


def architecture_estimate(parameters: str | float, tokens: str | float) -> Estimate:
    """Dense decoder transformer: 6 × parameters × training tokens (forward and backward passes)."""
    p = quantity(parameters, "number of parameters", "parameters")
    d = quantity(tokens, "number of training tokens", "tokens")
    return bounded(Estimate(6 * p * d, "architecture", "6 × parameters × tokens"), "parameters")


def hardware_estimate(accelerators: str | float, days: str | float, peak_flops: str | float,
                      utilisation_percent: str | float) -> Estimate:
    """Accelerators × seconds × peak FLOP/s × utilisation."""
    n = quantity(accelerators, "number of accelerators", "accelerators")
    seconds = quantity(days, "number of days", "days") * SECONDS_PER_DAY
    peak = quantity(peak_flops, "peak FLOP/s per accelerator", "peak")
    utilisation = quantity(utilisation_percent, "utilisation", "utilisation") / 100
    if utilisation > 1:
        raise EstimateInputError("utilisation", "Utilisation is a percentage between 0 and 100.")
    return bounded(Estimate(n * seconds * peak * utilisation, "hardware",
                            "accelerators × seconds × peak FLOP/s × utilisation"), "accelerators")
