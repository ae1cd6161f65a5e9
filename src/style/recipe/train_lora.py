#!/usr/bin/env python3
"""Train a LoRA adapter that teaches a chat model a project's coding style.

Dataset (--data)
----------------
A folder with train.jsonl and validation.jsonl, as RepoSage's style exporter writes them. Each line
is one conversation in TRL's conversational format:

    {"messages": [{"role": "system", "content": "You write code in this project's style."},
                  {"role": "user", "content": "Add a helper that reads the config file."},
                  {"role": "assistant", "content": "export async function readConfig(...) {...}"}]}

Roles are "system" (optional), "user" and "assistant"; the last message must be the assistant's.
Only that last reply is trained on: the messages before it are the prompt.

Usage
-----
GPU, the default (QLoRA: base in 4-bit NF4, bf16 compute):

    python train_lora.py --base mistralai/Mistral-7B-Instruct-v0.3 --data style-dataset --out style-adapter

CPU, no quantization, fp32 (for tests and tiny models):

    python train_lora.py --cpu --base ./tiny-model --data style-dataset --out style-adapter

Defaults: r=16, alpha=32, dropout 0.05 on q_proj,v_proj (--targets q_proj,k_proj,v_proj,o_proj
for all attention projections), learning rate 2e-4 on a cosine schedule with 3% warmup, evaluation
on the validation split every epoch, and early stopping once the validation loss stops falling
(the adapter kept is the epoch with the lowest validation loss).

Output (--out)
--------------
adapter_model.safetensors, adapter_config.json (base_model_name_or_path records --base), and
training_report.json (per-epoch losses, trainable share of parameters, configuration).

Exit status: 0 done, 2 a problem with the input (missing or malformed data, a base that cannot
load, no GPU without --cpu), 1 anything unexpected. recipe.md covers installing, real bases, Ollama
and GGUF conversion.
"""

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROLES = {"system", "user", "assistant"}
WARMUP_RATIO = 0.03
# LoRA trains a sliver of the model; a larger share means the targets or rank are off, or the base
# is not frozen.
MAX_TRAINABLE_SHARE = 0.05


class RecipeError(Exception):
    """A problem the user can fix; printed as one message, without a traceback."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Train a LoRA style adapter on an exported RepoSage style dataset.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--base", required=True, help="base chat model: hub id or local folder")
    parser.add_argument("--data", required=True, type=Path, help="folder with train.jsonl and validation.jsonl")
    parser.add_argument("--out", required=True, type=Path, help="folder for the adapter and training_report.json")
    parser.add_argument("--epochs", type=int, default=3, help="most epochs; early stopping may end sooner")
    parser.add_argument("--lr", type=float, default=2e-4, help="peak learning rate")
    parser.add_argument("--r", type=int, default=16, help="LoRA rank")
    parser.add_argument("--alpha", type=int, default=32, help="LoRA alpha (scale = alpha / r)")
    parser.add_argument("--dropout", type=float, default=0.05, help="LoRA dropout")
    parser.add_argument("--targets", default="q_proj,v_proj", help="comma-separated module names to adapt")
    parser.add_argument("--max-seq-len", type=int, default=1024, help="tokens per conversation; longer ones are cut")
    parser.add_argument("--batch-size", type=int, default=4, help="conversations per device step")
    parser.add_argument("--grad-accum", type=int, default=4, help="steps accumulated per optimizer update")
    parser.add_argument(
        "--patience", type=int, default=1, help="epochs without a lower validation loss before stopping"
    )
    parser.add_argument("--cpu", action="store_true", help="train on the CPU in fp32, without quantization")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    args.targets = [name.strip() for name in args.targets.split(",") if name.strip()]
    if not args.targets:
        parser.error("--targets names no module")
    return args


def read_conversations(path: Path) -> list[dict]:
    """Reads one split into TRL's prompt/completion form, so that only the final reply is trained on."""
    if not path.is_file():
        raise RecipeError(
            f"missing {path}: --data must be a folder with train.jsonl and validation.jsonl "
            "(export the style dataset first)"
        )
    examples = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                messages = parse_messages(line, f"{path}:{number}")
                examples.append({"prompt": messages[:-1], "completion": messages[-1:]})
    if not examples:
        raise RecipeError(f"{path} holds no conversations")
    return examples


def parse_messages(line: str, where: str) -> list[dict]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise RecipeError(f"{where}: not valid JSON ({err})") from None
    messages = record.get("messages") if isinstance(record, dict) else None
    if not isinstance(messages, list) or len(messages) < 2:
        raise RecipeError(f'{where}: expected {{"messages": [...]}} with at least a user and an assistant message')
    for message in messages:
        if not (
            isinstance(message, dict)
            and message.get("role") in ROLES
            and isinstance(message.get("content"), str)
        ):
            raise RecipeError(f"{where}: each message needs a role ({', '.join(sorted(ROLES))}) and a string content")
    if messages[-1]["role"] != "assistant":
        raise RecipeError(f"{where}: the last message must be the assistant's reply")
    return [{"role": m["role"], "content": m["content"]} for m in messages]


def load_base(base: str, cpu: bool):
    """The base model and its tokenizer: fp32 on the CPU, else 4-bit NF4 on the GPU."""
    import torch
    from peft import prepare_model_for_kbit_training
    from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig

    if cpu:
        model_kwargs = {"dtype": torch.float32}
    elif not torch.cuda.is_available():
        raise RecipeError(
            "no CUDA GPU found, and QLoRA needs one; --cpu trains unquantized on the CPU (tiny models only)"
        )
    else:
        quantization = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_compute_dtype=torch.bfloat16,
            bnb_4bit_use_double_quant=True,
        )
        model_kwargs = {"dtype": torch.bfloat16, "quantization_config": quantization, "device_map": "auto"}

    # Loading fails in many ways (no such folder, hub unreachable, gated model, unknown architecture,
    # missing bitsandbytes); all of them mean the same thing to the user.
    try:
        tokenizer = AutoTokenizer.from_pretrained(base)
        model = AutoModelForCausalLM.from_pretrained(base, **model_kwargs)
    except Exception as err:
        raise RecipeError(
            f"cannot load the base model {base!r}: {err}\n"
            "Pass a local folder with config.json, the *.safetensors weights and the tokenizer, or a hub id "
            "this machine can download (gated models such as Llama also need HF_TOKEN)."
        ) from None
    if tokenizer.chat_template is None:
        raise RecipeError(f"{base!r} has no chat template; use the instruct (chat) variant of the model")
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if not cpu:
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=True)
    return model, tokenizer


def attach_lora(model, args: argparse.Namespace):
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(
        r=args.r,
        lora_alpha=args.alpha,
        lora_dropout=args.dropout,
        target_modules=args.targets,
        bias="none",
        task_type="CAUSAL_LM",
    )
    try:
        return get_peft_model(model, config)
    except ValueError as err:
        raise RecipeError(f"cannot attach LoRA to {','.join(args.targets)}: {err}") from None


def check_trainable_share(model) -> dict:
    """PEFT's print_trainable_parameters check, made loud: zero stops the run, too many warns."""
    trainable, total = model.get_nb_trainable_parameters()
    share = trainable / total
    print(f"trainable parameters: {trainable:,} of {total:,} ({share:.4%})", flush=True)
    if trainable == 0:
        raise RecipeError("LoRA left no parameter trainable; check --targets")
    if share > MAX_TRAINABLE_SHARE:
        print(
            f"WARNING: {share:.1%} of the parameters are trainable, where LoRA should train well under "
            f"{MAX_TRAINABLE_SHARE:.0%}; check --r and --targets, and that the base is frozen",
            file=sys.stderr,
            flush=True,
        )
    return {"trainable": trainable, "total": total, "trainable_share": share}


def losses_per_epoch(log_history: list[dict]) -> list[dict]:
    """Folds the trainer's log (one training and one validation entry per epoch) into one row per epoch."""
    rows: dict[int, dict] = {}
    for entry in log_history:
        for source, target in (("loss", "train_loss"), ("eval_loss", "eval_loss")):
            if source in entry:
                epoch = round(entry["epoch"])
                rows.setdefault(epoch, {"epoch": epoch})[target] = entry[source]
    return [rows[epoch] for epoch in sorted(rows)]


def train(args: argparse.Namespace) -> dict:
    train_split = read_conversations(args.data / "train.jsonl")
    validation_split = read_conversations(args.data / "validation.jsonl")

    # The ML stack takes seconds to import, so it comes after the cheap checks on the data.
    from datasets import Dataset
    from transformers import EarlyStoppingCallback, set_seed
    from trl import SFTConfig, SFTTrainer

    set_seed(args.seed)  # before attach_lora: LoRA's A matrices start random
    model, tokenizer = load_base(args.base, args.cpu)
    model = attach_lora(model, args)
    parameters = check_trainable_share(model)

    checkpoints = args.out / "checkpoints"
    config = SFTConfig(
        output_dir=str(checkpoints),
        num_train_epochs=args.epochs,
        learning_rate=args.lr,
        lr_scheduler_type="cosine",
        warmup_steps=WARMUP_RATIO,  # a float below 1 is a ratio of the total steps
        per_device_train_batch_size=args.batch_size,
        per_device_eval_batch_size=args.batch_size,
        gradient_accumulation_steps=args.grad_accum,
        max_length=args.max_seq_len,
        eval_strategy="epoch",
        save_strategy="epoch",
        logging_strategy="epoch",
        load_best_model_at_end=True,
        metric_for_best_model="eval_loss",
        greater_is_better=False,
        save_total_limit=1,
        save_only_model=True,
        bf16=not args.cpu,
        use_cpu=args.cpu,
        seed=args.seed,
        report_to="none",
        disable_tqdm=True,
    )
    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=Dataset.from_list(train_split),
        eval_dataset=Dataset.from_list(validation_split),
        processing_class=tokenizer,
        callbacks=[EarlyStoppingCallback(early_stopping_patience=args.patience)],
    )
    started = time.monotonic()
    trainer.train()
    seconds = time.monotonic() - started

    # load_best_model_at_end has put the best epoch's weights back, so this saves the best adapter.
    trainer.model.save_pretrained(args.out)
    shutil.rmtree(checkpoints, ignore_errors=True)

    epochs = losses_per_epoch(trainer.state.log_history)
    report = {
        "base": args.base,
        "quantization": "none (fp32, --cpu)" if args.cpu else "4-bit nf4, double quant, bf16 compute",
        "examples": {"train": len(train_split), "validation": len(validation_split)},
        "parameters": parameters,
        "epochs": epochs,
        "best_eval_loss": trainer.state.best_metric,
        "stopped_early": len(epochs) < args.epochs,
        "train_seconds": round(seconds, 1),
        "config": {
            "r": args.r,
            "alpha": args.alpha,
            "dropout": args.dropout,
            "targets": args.targets,
            "learning_rate": args.lr,
            "lr_scheduler": "cosine",
            "warmup_ratio": WARMUP_RATIO,
            "max_epochs": args.epochs,
            "patience": args.patience,
            "max_seq_len": args.max_seq_len,
            "batch_size": args.batch_size,
            "grad_accum": args.grad_accum,
            "seed": args.seed,
        },
    }
    (args.out / "training_report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        report = train(args)
    except RecipeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for row in report["epochs"]:
        print(f"epoch {row['epoch']}: train loss {row.get('train_loss')}, validation loss {row.get('eval_loss')}")
    print(f"adapter written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
