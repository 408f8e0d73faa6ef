#!/bin/sh
# Migrate a database filled at OLD_REF with NEW_REF's code and compare every
# row of the selection and support tables (issue #18: models move between
# apps without data loss). Needs PostgreSQL; uses a scratch worktree.
#
#   bench/move_check.sh OLD_REF NEW_REF [PRODUCTS]
#
# MOVE_CHECK_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/otop_move_check)
# is dropped and created again; PYTHON defaults to this checkout's .venv.
set -eu
OLD=${1:?usage: bench/move_check.sh OLD_REF NEW_REF [PRODUCTS]}
NEW=${2:?usage: bench/move_check.sh OLD_REF NEW_REF [PRODUCTS]}
PRODUCTS=${3:-2000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
CHECK=$ROOT/bench/move_check.py
export DATABASE_URL=${MOVE_CHECK_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/otop_move_check}
export DJANGO_SETTINGS_MODULE=otop.settings.local DJANGO_DEBUG=false
SCRATCH=$(mktemp -d)
TREE=$SCRATCH/tree
git -C "$ROOT" worktree add --quiet --detach "$TREE" "$OLD"
trap 'git -C "$ROOT" worktree remove --force "$TREE"; rm -rf "$SCRATCH"' EXIT
cd "$TREE"

echo "== $OLD: migrate, generate_dataset --products $PRODUCTS, plant support plans"
"$PY" "$CHECK" reset
"$PY" manage.py migrate -v 0
"$PY" manage.py generate_dataset --products "$PRODUCTS" --seed 1 -v 0
"$PY" "$CHECK" plant
"$PY" "$CHECK" snapshot "$SCRATCH/before.json"

echo "== $NEW: migrate"
git checkout --quiet --detach "$NEW"
"$PY" manage.py migrate
"$PY" "$CHECK" snapshot "$SCRATCH/after.json"

echo "== compare"
"$PY" "$CHECK" compare "$SCRATCH/before.json" "$SCRATCH/after.json"
