/**
 * Shared dependencies (a model provider, Slack, an agent API...): the names a Level 4 spec declares
 * for what its stages use, and an incident may name as affected. One vocabulary for both sides, so
 * "is an open incident on a dependency this run needs?" is a plain name match. Pure.
 */
import { z } from 'zod';

/** Lowercase names such as `vertex-ai`, `slack`, `agent-api`: compared exactly, so one spelling only. */
export const dependencyNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a dependency name is lowercase letters, digits, . _ - (max 64)');

export const dependenciesSchema = z.array(dependencyNameSchema).max(50, 'at most 50 dependencies');

/** Sorted, without duplicates: the stored form. */
export function normalizeDependencies(names: readonly string[] | undefined): string[] {
  return [...new Set(names ?? [])].sort();
}
