/**
 * The deployed functions entry as one esbuild bundle (functions/bundle/index.js, package.json
 * `main`), so a cold instance resolves and reads a few large files instead of thousands of small
 * ones. ESM with code splitting keeps the lazy triggers lazy: each `import()` of a trigger module
 * is its own chunk, and index.js itself holds only the registrations (the /livez path).
 *
 * Kept out of the bundle (external, loaded from node_modules at run time):
 * - @google-cloud/functions-framework: Cloud Functions starts the framework from node_modules
 *   itself, and `http()` must register into that same instance.
 * - google-gax, @grpc/grpc-js, @grpc/proto-loader, protobufjs: gax reads its proto files through
 *   `__dirname` at run time (and the gRPC stack comes with it), so it cannot be bundled as is.
 *   (Tried with a per-file `__dirname` shim pointing back into node_modules: it ran, but the bare
 *   SDK program bundled that way was no faster than with gax external, so not worth the shim.)
 * Everything else (our code, zod, yaml, @slack/bolt, ws, @google/genai, fast-xml-parser, re2js and
 * the JavaScript of @google-cloud/firestore and @google-cloud/pubsub) is bundled.
 */
import { build, type Plugin } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
export const BUNDLE_DIR = join(root, 'functions', 'bundle');

export const EXTERNAL = [
  '@google-cloud/functions-framework',
  'google-gax',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  'protobufjs',
  // Native renderers (a .node binary per platform, picked at install): the local model's media.
  'sharp',
  '@resvg/resvg-js',
];

/** CommonJS packages our code loads with `import()`: see cjsNamedExports. */
const DYNAMIC_CJS = ['@google-cloud/firestore'];

/**
 * With code splitting, esbuild turns `import()` of a CommonJS package into a chunk that exports
 * only `default`, so `const { Firestore } = await import(...)` would get undefined. This gives
 * such an import an ESM face with the package's named exports (the plain values; accessors such
 * as Firestore's lazily loaded `v1` stay behind `default`, so they stay lazy).
 */
function cjsNamedExports(): Plugin {
  const requireHere = createRequire(join(root, 'package.json'));
  return {
    name: 'cjs-named-exports',
    setup(b) {
      const filter = new RegExp(`^(${DYNAMIC_CJS.join('|').replace(/[/]/g, '\\/')})$`);
      b.onResolve({ filter }, (args) =>
        args.kind === 'dynamic-import' ? { path: args.path, namespace: 'cjs-named' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'cjs-named' }, (args) => {
        const mod = requireHere(args.path) as object;
        const names = Object.keys(mod).filter(
          (k) =>
            k !== 'default' &&
            /^[A-Za-z_$][\w$]*$/.test(k) &&
            'value' in Object.getOwnPropertyDescriptor(mod, k)!,
        );
        return {
          contents: `import m from ${JSON.stringify(args.path)};\nexport const { ${names.join(', ')} } = m;\nexport default m;\n`,
          resolveDir: root,
          loader: 'js',
        };
      });
    },
  };
}

/**
 * The container loads Pub/Sub with a synchronous require through createRequire on first use
 * (platform/container.ts), which esbuild cannot follow; in the bundle that call becomes a plain
 * require, which esbuild bundles and still runs only on first use. Fails the build if the call
 * is no longer there, so Pub/Sub never silently drops out of the bundle.
 */
function bundledPubSubRequire(): Plugin {
  const call = "requireCjs('@google-cloud/pubsub')";
  return {
    name: 'bundled-pubsub-require',
    setup(b) {
      b.onLoad({ filter: /platform[/\\]container\.ts$/ }, (args) => {
        const code = readFileSync(args.path, 'utf8');
        if (!code.includes(call))
          throw new Error(`${args.path} no longer has ${call}: update scripts/lib/bundle.ts`);
        return { contents: code.replace(call, "require('@google-cloud/pubsub')"), loader: 'ts' };
      });
    },
  };
}

export async function bundleFunctions(): Promise<void> {
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  await build({
    entryPoints: [join(root, 'functions', 'src', 'index.ts')],
    outdir: BUNDLE_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    external: EXTERNAL,
    plugins: [cjsNamedExports(), bundledPubSubRequire()],
    // Bundled CommonJS code calls require() for Node built-ins and the externals above.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
}
