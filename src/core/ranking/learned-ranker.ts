import { RepoSageError } from '../errors';
import type { RetrievedChunk } from '../retrieval/types';
import { FEATURE_NAMES, candidateFeatures } from './features';

/**
 * A logistic regression over the candidate features, as the training script writes it: features
 * are standardized ((x - mean) / scale), then weighted. Only the order of scores matters here.
 */
export interface RankerModel {
  features: string[];
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
  /** Where the weights came from (repositories, instance counts), for the reader. */
  trainedOn?: unknown;
}

export interface LearnedRanker {
  /** The candidates re-ordered best first, each with its ranker score as `score`. */
  rerank(query: string, candidates: readonly RetrievedChunk[]): RetrievedChunk[];
}

/** Refuses a model written for other features: its weights would land on the wrong inputs. */
export function createLearnedRanker(model: RankerModel): LearnedRanker {
  const expected = FEATURE_NAMES.join(',');
  if (
    model.features.join(',') !== expected ||
    [model.mean, model.scale, model.weights].some((list) => list.length !== FEATURE_NAMES.length)
  ) {
    throw new RepoSageError(
      'INVALID_INPUT',
      `The ranker model's features (${model.features.join(', ')}) are not this version's (${expected}).`,
      'Retrain it with `npm run bench -- train-ranker`.',
    );
  }
  const score = (vector: number[]) =>
    vector.reduce((sum, x, i) => sum + (model.weights[i] * (x - model.mean[i])) / model.scale[i], model.bias);
  return {
    rerank(query, candidates) {
      const features = candidateFeatures(query, candidates);
      return candidates
        .map((candidate, i) => ({ candidate, score: score(features[i]) }))
        .sort(
          (a, b) => b.score - a.score || (a.candidate.ranks.fused ?? Infinity) - (b.candidate.ranks.fused ?? Infinity),
        )
        .map(({ candidate, score: value }) => ({ ...candidate, score: value }));
    },
  };
}
