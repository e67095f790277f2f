#!/usr/bin/env bash
# Lints bpmn/*.bpmn the way Camunda Modeler does (.bpmnlintrc: bpmnlint's recommended rules plus
# camunda-compat for Camunda 7.24). Errors fail; warnings are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix "$tools" \
  bpmnlint@11.15.0 bpmnlint-plugin-camunda-compat@2.61.0 >/dev/null
NODE_PATH="$tools/node_modules" "$tools/node_modules/.bin/bpmnlint" bpmn/*.bpmn
echo "BPMN models: no lint errors"
