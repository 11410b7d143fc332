#!/usr/bin/env bash
# Builds wwwroot/lib/plotly/plotly-scopeweb-<plotly.js version>.min.js from index.js, with the exact package versions
# of package-lock.json. Usage: bash tools/plotly/build.sh (from anywhere; needs node and npm).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
npm ci --no-audit --no-fund --loglevel=error

version="$(node -p "require('plotly.js/package.json').version")"
out_dir="$here/../../wwwroot/lib/plotly"
out="$out_dir/plotly-scopeweb-$version.min.js"
mkdir -p "$out_dir"

# plotly.js's own licence header, as its dist files start with it, plus the trace types this bundle registers.
header="$(sed -n '1,/^\*\//p' node_modules/plotly.js/dist/plotly.js)"
traces="$(grep -o "require('plotly.js/lib/[a-z0-9]*')" index.js | sed "s#.*lib/\([a-z0-9]*\).*#\1#" | grep -vx core | paste -sd, - | sed 's/,/, /g')"
banner="${header%\*/}* Partial bundle for ScopeWeb (tools/plotly/index.js), trace types: $traces
*/"

# Options as plotly.js builds its own dist (esbuild-config.js in the package): a browser iife, global = window.
# CSS: plotly.js's only CSS require is maplibre's, reached only when a map trace registers; none does here.
# buffer: typedarray-pool (under scattergl) requires node's buffer; the buffer package stands in, as in plotly's dist.
rm -f "$out"
node_modules/.bin/esbuild index.js \
  --bundle --minify --format=iife --platform=browser --target=es2016 \
  --define:global=window --define:define.amd=false \
  --loader:.css=empty \
  --legal-comments=eof \
  "--banner:js=$banner" \
  --log-level=warning \
  --outfile="$out"

echo "$out: $(stat -c %s "$out") bytes, $(gzip -9 -c "$out" | wc -c) gzipped"
