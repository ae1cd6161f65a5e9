"""Builds a tiny, randomly initialised Llama chat model for the LoRA recipe's mechanics test.

No model hub is reachable where the tests run, so the base is made here: a word-level tokenizer
trained on the dataset's own text, with a minimal chat template, and a two-layer Llama whose
attention projections carry the usual q_proj/v_proj names. Both are saved to --out, where
train_lora.py loads them with --base like any local model.

With --byte-level the tokenizer is a byte-level BPE instead, which `ollama create` can import (it
hands llama.cpp a vocabulary with merges or a SentencePiece model; a word-level vocabulary has
neither, and text outside it could not be tokenized at all).

    python make_tiny_base.py --data DATASET_DIR --out MODEL_DIR [--byte-level]
"""

import argparse
import json
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

SPECIAL_TOKENS = ["<pad>", "<unk>", "<s>", "<|end|>", "<|system|>", "<|user|>", "<|assistant|>"]
# Each turn is "<|role|> content <|end|>"; the generation prompt is the bare "<|assistant|>".
CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|> {{ message['content'] }} <|end|> {% endfor %}"
    "{% if add_generation_prompt %}<|assistant|> {% endif %}"
)


def dataset_texts(data: Path) -> list[str]:
    texts = []
    for split in ("train.jsonl", "validation.jsonl"):
        for line in (data / split).read_text(encoding="utf-8").splitlines():
            texts.extend(message["content"] for message in json.loads(line)["messages"])
    return texts


def build_tokenizer(texts: list[str], byte_level: bool) -> PreTrainedTokenizerFast:
    if byte_level:
        tokenizer = Tokenizer(models.BPE())
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tokenizer.decoder = decoders.ByteLevel()
        # Every byte is in the vocabulary, so any text can be tokenized; merges learned from the dataset.
        trainer = trainers.BpeTrainer(
            vocab_size=1000, special_tokens=SPECIAL_TOKENS, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
        )
    else:
        tokenizer = Tokenizer(models.WordLevel(unk_token="<unk>"))
        tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
        trainer = trainers.WordLevelTrainer(special_tokens=SPECIAL_TOKENS)
    tokenizer.train_from_iterator(texts, trainer)
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        pad_token="<pad>",
        unk_token="<unk>",
        bos_token="<s>",
        eos_token="<|end|>",
    )
    wrapped.chat_template = CHAT_TEMPLATE
    return wrapped


def build_model(tokenizer: PreTrainedTokenizerFast) -> LlamaForCausalLM:
    # Hidden size 128 rather than 64: at r=16 a 64-wide model puts about 6% of its weights in the
    # adapter, over the recipe's 5% warning line, which real bases sit far below (about 0.1%).
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=128,
        intermediate_size=256,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=512,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        tie_word_embeddings=False,
    )
    torch.manual_seed(0)
    return LlamaForCausalLM(config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--byte-level", action="store_true", help="a byte-level BPE tokenizer, which Ollama can import")
    args = parser.parse_args()
    tokenizer = build_tokenizer(dataset_texts(args.data), args.byte_level)
    build_model(tokenizer).save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)


if __name__ == "__main__":
    main()
