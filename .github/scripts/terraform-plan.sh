#!/usr/bin/env bash
# Plans one synthesized stack for the GitHub workflows, in its folder (cdktf.out/stacks/<env>):
# terraform init, `terraform plan -detailed-exitcode -out=tfplan`, then `terraform show -json tfplan`.
# Writes plan.txt (everything Terraform printed, errors included) and, when it planned, tfplan and
# plan.json. Prints `exitcode=` Terraform's -detailed-exitcode (0 no changes, 2 changes, 1 failed)
# to $GITHUB_OUTPUT and exits 0, so the job can publish the output before it fails.
#
# -lock=false: the plan roles are read-only and cannot write the S3 lock file. An apply of the saved
# plan is still safe: Terraform refuses it if the state changed since ("Saved plan is stale").
#
# usage: terraform-plan.sh <stack folder> [--require-remote-state]
set -euo pipefail

stack="${1:?usage: terraform-plan.sh <stack folder> [--require-remote-state]}"
cd "$stack"

# A deploy or drift check against local state would start from nothing on every runner.
if [ "${2:-}" = "--require-remote-state" ] && [ "$(jq -r '.terraform.backend | keys[0]' cdk.tf.json)" != "s3" ]; then
  message="$stack/cdk.tf.json uses local state; set remoteState in environments/<env>.ts first."
  printf '%s\n' "$message" > plan.txt
  printf '::error::%s\n' "$message"
  printf 'exitcode=1\n' >> "$GITHUB_OUTPUT"
  exit 0
fi

status=0
terraform init -input=false -no-color > plan.txt 2>&1 || status=$?
if [ "$status" -eq 0 ]; then
  terraform plan -input=false -no-color -lock=false -detailed-exitcode -out=tfplan >> plan.txt 2>&1 || status=$?
fi
if [ "$status" -eq 0 ] || [ "$status" -eq 2 ]; then
  terraform show -json tfplan > plan.json
fi
printf 'exitcode=%s\n' "$status" >> "$GITHUB_OUTPUT"
