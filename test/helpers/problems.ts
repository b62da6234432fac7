/** What a parser refuses, for tests that assert on the problems of a model or a menu file. */
import { expect } from 'vitest';
import { TierwiseError, type Problem } from '../../src/errors.js';
import { parseModel } from '../../src/model/load-model.js';
import { parseMenuInput } from '../../src/pricing/menu-input.js';

/** The problems of a model text read as /project/tierwise.yaml; fails the test if it is accepted. */
export function modelProblems(text: string): readonly Problem[] {
  try {
    parseModel(text, '/project/tierwise.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(TierwiseError);
    return (error as TierwiseError).problems;
  }
  throw new Error('the model was accepted');
}

/** The problems of a menu text read as menu.yaml, one formatted line each; none if it is accepted. */
export function menuProblemLines(text: string): string[] {
  try {
    parseMenuInput(text, 'menu.yaml');
  } catch (error) {
    if (error instanceof TierwiseError) return error.message.split('\n');
    throw error;
  }
  return [];
}
