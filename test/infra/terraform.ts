/**
 * infra/*.tf parsed with @cdktf/hcl2json (Terraform's own HCL parser, compiled to WASM) and merged
 * into one view: every `locals` block, and every resource by type and name.
 */
import { parse } from '@cdktf/hcl2json';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const INFRA = join(import.meta.dirname, '..', '..', 'infra');

type Block = Record<string, any>;

export interface Terraform {
  locals: Block;
  /** resources[type][name] = the block's attributes. */
  resources: Record<string, Record<string, Block>>;
  variables: Record<string, Block>;
  outputs: Record<string, Block>;
  /** Which file declares each local, for messages. */
  localFile: Record<string, string>;
}

export async function loadTerraform(dir = INFRA): Promise<Terraform> {
  const tf: Terraform = { locals: {}, resources: {}, variables: {}, outputs: {}, localFile: {} };
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .sort()) {
    const json = await parse(file, readFileSync(join(dir, file), 'utf8'));
    for (const block of (json.locals ?? []) as Block[]) {
      for (const [k, v] of Object.entries(block)) {
        if (k in tf.locals) throw new Error(`local.${k} is declared twice (again in infra/${file})`);
        tf.locals[k] = v;
        tf.localFile[k] = `infra/${file}`;
      }
    }
    for (const [type, byName] of Object.entries(
      (json.resource ?? {}) as Record<string, Record<string, Block[]>>,
    )) {
      tf.resources[type] ??= {};
      for (const [name, blocks] of Object.entries(byName)) tf.resources[type][name] = blocks[0]!;
    }
    for (const [name, blocks] of Object.entries((json.variable ?? {}) as Record<string, Block[]>))
      tf.variables[name] = blocks[0]!;
    for (const [name, blocks] of Object.entries((json.output ?? {}) as Record<string, Block[]>))
      tf.outputs[name] = blocks[0]!;
  }
  return tf;
}

/** The resource, or a failure naming the file to add it to. */
export function resource(tf: Terraform, type: string, name: string): Block {
  const r = tf.resources[type]?.[name];
  if (!r) throw new Error(`infra/ declares no resource "${type}" "${name}"`);
  return r;
}

/** Names in `a` and not in `b`. */
export const missing = (a: Iterable<string>, b: Iterable<string>) => {
  const has = new Set(b);
  return [...a].filter((x) => !has.has(x)).sort();
};
