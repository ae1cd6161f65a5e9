"""Validation loss of a saved LoRA adapter on its base, for the recipe's mechanics test.

It evaluates the way train_lora.py's trainer does (same data preparation, same eval batch size),
so the number can be compared with the per-epoch validation losses in training_report.json: it
tells which epoch's weights the adapter holds. Prints one JSON line: {"eval_loss": ...}.

    python evaluate_adapter.py --base MODEL_DIR --adapter ADAPTER_DIR --data DATASET_DIR --batch-size N
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

import torch
from datasets import Dataset
from peft import PeftModel
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import SFTConfig, SFTTrainer

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src" / "style" / "recipe"))
from train_lora import read_conversations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--adapter", required=True)
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--batch-size", required=True, type=int)
    args = parser.parse_args()

    tokenizer = AutoTokenizer.from_pretrained(args.base)
    base = AutoModelForCausalLM.from_pretrained(args.base, dtype=torch.float32)
    model = PeftModel.from_pretrained(base, args.adapter)
    validation = Dataset.from_list(read_conversations(args.data / "validation.jsonl"))
    with tempfile.TemporaryDirectory() as scratch:
        config = SFTConfig(
            output_dir=scratch,
            per_device_eval_batch_size=args.batch_size,
            use_cpu=True,
            bf16=False,
            report_to="none",
        )
        # SFTTrainer insists on a training split; nothing is trained here.
        trainer = SFTTrainer(
            model=model, args=config, train_dataset=validation, eval_dataset=validation, processing_class=tokenizer
        )
        print(json.dumps({"eval_loss": trainer.evaluate()["eval_loss"]}))


if __name__ == "__main__":
    main()
