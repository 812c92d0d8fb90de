#!/usr/bin/python3
"""Writes tests/data/schedulers/references.json: the LR of every optimizer step of PyTorch's own
schedulers, for each graft scheduler in a few settings, so the C++ tests can check graft's
schedules against PyTorch without Python at run time.

Run with Debian's interpreter, which has torch 1.13:  /usr/bin/python3 tests/schedulers/make_references.py

Each case gives graft's side (plugin, its params, the [scheduler] warmup keys, base LR, steps per
epoch, epochs) and the LR PyTorch uses at optimizer step k = 0..N-1 of an SGD optimizer with
lr = base LR. The `to_torch_*` functions are the claim under test: how a graft setting reads in
PyTorch. A param that a case leaves out is left out on PyTorch's side too, so graft's defaults
are checked against PyTorch's.

How PyTorch is stepped:
- interval "step": scheduler.step() after every optimizer step; "epoch": after every epoch's last.
- engine warmup (warmup_steps, or warmup_ratio as Hugging Face rounds it) is
  SequentialLR([LinearLR(start_factor=s, end_factor=1, total_iters=w), S], milestones=[w]).
- `linear` is Hugging Face's get_linear_schedule_with_warmup, a LambdaLR over the whole run.
- `plateau` gets ReduceLROnPlateau.step(metric) after each epoch with the case's metric of that
  epoch; its warmup is a LinearLR stepped every step (ReduceLROnPlateau cannot go in a
  SequentialLR), kept within the first epoch so that no reduction falls inside the warmup.
"""
import json
import math
import pathlib
import warnings

import torch
from torch.optim import SGD
from torch.optim import lr_scheduler

OUT = pathlib.Path(__file__).resolve().parents[1] / "data" / "schedulers" / "references.json"


class Run:
    """The run a case describes, in the engine's terms (framework/engine/lr_schedule.cpp)."""

    def __init__(self, case):
        self.steps_per_epoch = case["steps_per_epoch"]
        self.epochs = case["epochs"]
        self.total = self.steps_per_epoch * self.epochs
        schedule = case.get("schedule", {})
        ratio = schedule.get("warmup_ratio", 0.0)
        # Hugging Face's TrainingArguments.get_warmup_steps: ceil(steps x ratio), in floating point.
        self.warmup = schedule.get("warmup_steps", 0) or math.ceil(self.total * ratio)
        self.warmup_start = schedule.get("warmup_start_factor", 0.0)
        self.after_warmup = self.total - self.warmup

    def length(self, params):
        """The whole run in the unit that `interval` counts."""
        return self.epochs if params.get("interval", "step") == "epoch" else self.after_warmup


def given(params, *keys, **renamed):
    """The params a case sets, under PyTorch's names (same name unless renamed graft_key='torch_key')."""
    names = {key: key for key in keys} | {graft: torch_name for graft, torch_name in renamed.items()}
    return {names[key]: value for key, value in params.items() if key in names}


def whole_run_if_zero(value, params, run):
    return value if value else run.length(params)


# graft plugin -> (PyTorch scheduler class, kwargs). Where graft's default differs from PyTorch's
# (a length of 0 = the whole run), the conversion says so.
def to_torch_step(p, run):
    return lr_scheduler.StepLR, given(p, "step_size", "gamma")


def to_torch_multistep(p, run):
    return lr_scheduler.MultiStepLR, given(p, "milestones", "gamma")


def to_torch_exponential(p, run):
    return lr_scheduler.ExponentialLR, given(p, "gamma")


def to_torch_cosine(p, run):
    return lr_scheduler.CosineAnnealingLR, {"T_max": whole_run_if_zero(p.get("t_max", 0), p, run)} | given(p, "eta_min")


def to_torch_cosine_restarts(p, run):
    return lr_scheduler.CosineAnnealingWarmRestarts, given(p, "eta_min", t_0="T_0", t_mult="T_mult")


def to_torch_polynomial(p, run):
    return lr_scheduler.PolynomialLR, {"total_iters": whole_run_if_zero(p.get("total_iters", 0), p, run)} | given(
        p, "power"
    )


def to_torch_one_cycle(p, run, base_lr):
    kwargs = {"max_lr": base_lr, "total_steps": p.get("total_steps", 0) or run.after_warmup, "cycle_momentum": False}
    return lr_scheduler.OneCycleLR, kwargs | given(
        p, "pct_start", "anneal_strategy", "div_factor", "final_div_factor", "three_phase"
    )


def to_torch_plateau(p, run):
    return lr_scheduler.ReduceLROnPlateau, given(
        p, "mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps"
    )


def hf_linear_with_warmup(optimizer, run):
    """transformers.get_linear_schedule_with_warmup, verbatim."""
    num_warmup_steps, num_training_steps = run.warmup, run.total

    def lr_lambda(current_step):
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1, num_warmup_steps))
        return max(0.0, float(num_training_steps - current_step) / float(max(1, num_training_steps - num_warmup_steps)))

    return lr_scheduler.LambdaLR(optimizer, lr_lambda)


def describe(cls, kwargs):
    return f"{cls.__name__}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"


def warmup_start_in_torch(case, run, kwargs):
    """LinearLR's start_factor is relative to where the schedule starts; graft's warmup_start_factor
    to [train] lr. They differ only for one_cycle, which starts at max_lr / div_factor."""
    if case["plugin"] == "one_cycle":
        return run.warmup_start * kwargs.get("div_factor", 25.0)
    return run.warmup_start


def torch_schedulers(case, run, optimizer):
    """(the scheduler to step, a warmup LinearLR to step beside it or None, what PyTorch runs)."""
    params = case.get("params", {})
    if case["plugin"] == "linear":
        return hf_linear_with_warmup(optimizer, run), None, f"HF linear with warmup ({run.warmup} of {run.total})"
    if case["plugin"] == "one_cycle":
        cls, kwargs = to_torch_one_cycle(params, run, case["base_lr"])
    else:
        cls, kwargs = globals()[f"to_torch_{case['plugin']}"](params, run)
    if not run.warmup:
        return cls(optimizer, **kwargs), None, describe(cls, kwargs)
    warmup_kwargs = dict(start_factor=warmup_start_in_torch(case, run, kwargs), total_iters=run.warmup)
    warmup = lr_scheduler.LinearLR(optimizer, end_factor=1.0, **warmup_kwargs)
    scheduler = cls(optimizer, **kwargs)
    text = f"{describe(lr_scheduler.LinearLR, warmup_kwargs)}, then {describe(cls, kwargs)}"
    if cls is lr_scheduler.ReduceLROnPlateau:
        assert run.warmup < run.steps_per_epoch, "plateau warmup must end within the first epoch"
        return scheduler, warmup, text
    return lr_scheduler.SequentialLR(optimizer, [warmup, scheduler], milestones=[run.warmup]), None, text


def reference(case):
    """What PyTorch runs for the case, and its LR at every optimizer step."""
    run = Run(case)
    per_epoch = case.get("params", {}).get("interval", "step") == "epoch"
    assert not (per_epoch and run.warmup), "warmup is counted in steps: give warmup cases interval = step"
    metrics = case.get("metric_history")
    optimizer = SGD([torch.zeros(1, requires_grad=True)], lr=case["base_lr"])
    scheduler, warmup, text = torch_schedulers(case, run, optimizer)

    lrs = []
    for step in range(run.total):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        epoch_ends = (step + 1) % run.steps_per_epoch == 0
        if warmup is not None:
            warmup.step()  # a no-op once its total_iters are done
        if metrics is not None:
            if epoch_ends:
                scheduler.step(metrics[(step + 1) // run.steps_per_epoch - 1])
        elif epoch_ends or not per_epoch:
            scheduler.step()
    return text + (" per epoch" if per_epoch else ""), lrs


def case(name, plugin, params=None, schedule=None, base_lr=0.1, steps_per_epoch=10, epochs=4, metric_history=None):
    out = {"name": name, "plugin": plugin, "params": params or {}, "schedule": schedule or {}, "base_lr": base_lr,
           "steps_per_epoch": steps_per_epoch, "epochs": epochs}
    if metric_history is not None:
        out["metric_history"] = metric_history
    return out


CASES = [
    case("step every 7 steps", "step", {"step_size": 7, "gamma": 0.5}),
    case("step every 2 epochs", "step", {"step_size": 2, "interval": "epoch"}, steps_per_epoch=5, epochs=6),
    case("step after warmup", "step", {"step_size": 10, "gamma": 0.3},
         {"warmup_steps": 6, "warmup_start_factor": 0.2}, steps_per_epoch=8, epochs=5),

    case("multistep in steps", "multistep", {"milestones": [5, 12, 30], "gamma": 0.5}),
    case("multistep in epochs", "multistep", {"milestones": [1, 3], "interval": "epoch"},
         base_lr=1.0, steps_per_epoch=6, epochs=5),
    case("multistep after warmup", "multistep", {"milestones": [4, 20], "gamma": 0.2},
         {"warmup_steps": 5, "warmup_start_factor": 0.1}, steps_per_epoch=9, epochs=4),

    case("exponential per step", "exponential", {"gamma": 0.95}, steps_per_epoch=10, epochs=5),
    case("exponential per epoch", "exponential", {"gamma": 0.5, "interval": "epoch"}, steps_per_epoch=4, epochs=6),
    case("exponential after warmup_ratio", "exponential", {"gamma": 0.9},
         {"warmup_ratio": 0.1, "warmup_start_factor": 0.25}, steps_per_epoch=10, epochs=5),

    case("cosine over the run", "cosine", {"eta_min": 0.001}, steps_per_epoch=12, epochs=5),
    case("cosine shorter than the run climbs back", "cosine", {"t_max": 15}, steps_per_epoch=10, epochs=5),
    case("cosine per epoch", "cosine", {"interval": "epoch", "eta_min": 0.01}, steps_per_epoch=5, epochs=6),
    case("cosine after warmup", "cosine", {"eta_min": 0.002},
         {"warmup_steps": 10, "warmup_start_factor": 0.1}, steps_per_epoch=12, epochs=5),

    case("cosine_restarts fixed cycles", "cosine_restarts", {"t_0": 10, "eta_min": 0.001}, steps_per_epoch=9, epochs=5),
    case("cosine_restarts doubling cycles", "cosine_restarts", {"t_0": 5, "t_mult": 2}, steps_per_epoch=16, epochs=5),
    case("cosine_restarts per epoch", "cosine_restarts", {"t_0": 2, "t_mult": 2, "interval": "epoch"},
         steps_per_epoch=4, epochs=9),
    case("cosine_restarts after warmup", "cosine_restarts", {"t_0": 8, "t_mult": 2},
         {"warmup_steps": 4, "warmup_start_factor": 0.5}, steps_per_epoch=10, epochs=5),

    case("one_cycle defaults", "one_cycle", {}, steps_per_epoch=20, epochs=5),
    case("one_cycle three phases, linear", "one_cycle",
         {"pct_start": 0.25, "anneal_strategy": "linear", "div_factor": 10.0, "final_div_factor": 100.0,
          "three_phase": True}, base_lr=0.5, steps_per_epoch=16, epochs=5),
    case("one_cycle after warmup", "one_cycle", {"pct_start": 0.33},
         {"warmup_steps": 10, "warmup_start_factor": 0.01}, steps_per_epoch=12, epochs=5),

    case("linear without warmup", "linear", steps_per_epoch=10, epochs=3),
    case("linear after warmup_steps", "linear", schedule={"warmup_steps": 10}, steps_per_epoch=10, epochs=5),
    # 100 x 0.07 is 7.000000000000001 in floating point: Hugging Face warms up for 8 steps.
    case("linear after warmup_ratio", "linear", schedule={"warmup_ratio": 0.07}, steps_per_epoch=20, epochs=5),

    case("polynomial over the run", "polynomial", {}, steps_per_epoch=10, epochs=4),
    case("polynomial reaching 0 early", "polynomial", {"total_iters": 25, "power": 2.0}, steps_per_epoch=10, epochs=4),
    case("polynomial per epoch", "polynomial", {"total_iters": 4, "power": 0.5, "interval": "epoch"},
         steps_per_epoch=5, epochs=6),
    case("polynomial after warmup", "polynomial", {"power": 1.5},
         {"warmup_steps": 8, "warmup_start_factor": 0.3}, steps_per_epoch=12, epochs=4),

    case("plateau on a loss", "plateau", {"patience": 2, "factor": 0.5}, steps_per_epoch=4, epochs=12,
         metric_history=[1.0, 0.8, 0.7, 0.7, 0.69995, 0.71, 0.65, 0.66, 0.66, 0.66, 0.64, 0.64]),
    case("plateau on an accuracy, abs threshold, cooldown, min_lr", "plateau",
         {"mode": "max", "threshold_mode": "abs", "threshold": 0.01, "patience": 1, "cooldown": 2, "factor": 0.3,
          "min_lr": 0.02}, steps_per_epoch=3, epochs=14,
         metric_history=[0.5, 0.6, 0.605, 0.61, 0.62, 0.7, 0.7, 0.7, 0.7, 0.69, 0.7, 0.7, 0.7, 0.7]),
    case("plateau after warmup", "plateau", {"patience": 0}, {"warmup_steps": 3, "warmup_start_factor": 0.2},
         base_lr=0.05, steps_per_epoch=5, epochs=6, metric_history=[2.0, 1.5, 1.6, 1.4, 1.4, 1.3]),
]


def main():
    warnings.simplefilter("ignore")  # SequentialLR's step(0) warns that the epoch argument is deprecated
    cases = []
    for spec in CASES:
        pytorch, lrs = reference(spec)
        cases.append(spec | {"pytorch": pytorch, "lr": lrs})
    header = {"generated_by": "tests/schedulers/make_references.py", "torch": torch.__version__}
    # One case per line: settings first, then its LRs.
    lines = ",\n  ".join(json.dumps(c) for c in cases)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(header)[:-1] + ',\n "cases": [\n  ' + lines + "\n ]\n}\n")
    print(f"{OUT}: {len(cases)} cases, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
