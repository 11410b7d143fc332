#!/usr/bin/env bash
# Trains the default models shipped in models/: the demo tags, DNN and XGB each, on a simulated catalog that is not
# the one the app seeds on first start (seed 7 here, 42 there), so the app's sources are unseen data.
# Usage: tools/models/make_default_models.sh [work dir]   (from the repository root; about 10-20 minutes on 2 cores)
set -euo pipefail
WORK=${1:-/tmp/scopeweb-default-models}
TAGS=${TAGS:-"vnv pnp e ew rrlyr puls agn yso"}
scope() { dotnet run --no-build -c Release --project src/ScopeWeb.Cli -- --data-dir "$WORK" "$@"; }
dotnet build -c Release src/ScopeWeb.Cli -v q --nologo
rm -rf "$WORK"
scope simulate --count 3000 --seed 7
scope update-catalog --models "$WORK/no-models"
for tag in $TAGS; do
  for algorithm in xgb dnn; do
    scope train --tag="$tag" --algorithm="$algorithm" --path_dataset=catalog --scale_features=min_max \
      --batch_size=64 --epochs=60 --patience=10 --random_state=42 --conv_branch=true \
      --output-dir "$WORK/trained" --promote --models models
  done
done
