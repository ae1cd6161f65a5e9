/**
 * Model families as Ollama names them (GGUF `general.architecture`, /api/show's family), guessed
 * from a Hugging Face model id or `model_type`. An adapter's weights fit only the architecture, and
 * the size, of the model it was trained on.
 */
const ARCHITECTURES_BY_NAME: ReadonlyArray<[RegExp, string[]]> = [
  [/qwen-?3/, ['qwen3']],
  [/qwen-?2/, ['qwen2']],
  [/gemma-?3/, ['gemma3']],
  [/gemma-?2/, ['gemma2']],
  [/gemma/, ['gemma']],
  [/phi-?[34]/, ['phi3']],
  [/starcoder-?2/, ['starcoder2']],
  [/deepseek-coder-v2/, ['deepseek2']],
  // Ollama runs Mistral and Mixtral as llama; its newer Mistral models have their own architecture.
  [/mistral|mixtral|codestral|ministral/, ['llama', 'mistral', 'mistral3']],
  [/llama|deepseek-coder|smollm/, ['llama']],
];

/** Hugging Face `model_type` values that Ollama names differently. */
const MODEL_TYPE_ARCHITECTURES: Record<string, string[]> = {
  mistral: ['llama', 'mistral', 'mistral3'],
  mixtral: ['llama'],
};

/** The architectures a model with this name can be; undefined when the name gives no clue. */
export function architecturesFromName(name: string): string[] | undefined {
  const lower = name.toLowerCase();
  return ARCHITECTURES_BY_NAME.find(([pattern]) => pattern.test(lower))?.[1];
}

/** The architectures for a Hugging Face config.json `model_type` (qwen2, llama, gemma2, …). */
export function architecturesFromModelType(modelType: string): string[] {
  const lower = modelType.toLowerCase();
  return MODEL_TYPE_ARCHITECTURES[lower] ?? [lower];
}

/**
 * Billions of parameters from a size label ("7.6B", "494.03M") or a model id
 * ("Qwen/Qwen2.5-Coder-1.5B-Instruct"); undefined when none is given.
 */
export function parameterBillions(text: string): number | undefined {
  const match = /(?:^|[-_/\s:])(\d+(?:\.\d+)?)\s*([bm])(?=$|[-_\s])/i.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  return match[2].toLowerCase() === 'm' ? value / 1000 : value;
}

/** Billions per unit of Ollama's size labels. */
const LABEL_UNITS: Record<string, number> = { k: 1e-6, m: 1e-3, b: 1, t: 1e3 };

/**
 * Billions of parameters from Ollama's size label (/api/show's parameter_size: "7.6B", "494.03M",
 * and "461K" for the tiniest models); undefined when it is not one. Unlike a model id, a label is
 * nothing but the size, so a K cannot be a context length ("128k").
 */
export function sizeLabelBillions(label: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kmbt])$/i.exec(label.trim());
  return match ? Number(match[1]) * LABEL_UNITS[match[2].toLowerCase()] : undefined;
}

/** A parameter count in billions, written as Ollama labels sizes: "8.03B", "494M", "461K". */
export function formatBillions(billions: number): string {
  const [value, unit] =
    billions >= 1 ? [billions, 'B'] : billions >= 1e-3 ? [billions * 1e3, 'M'] : [billions * 1e6, 'K'];
  return `${Number(value.toPrecision(3))}${unit}`;
}

/** Model names round their sizes (7B for 7.6 billion parameters); beyond this it is another model. */
const SIZE_TOLERANCE = 0.2;

export function sameSize(a: number, b: number): boolean {
  return Math.abs(a - b) / Math.max(a, b) <= SIZE_TOLERANCE;
}
