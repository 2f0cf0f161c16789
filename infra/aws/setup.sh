#!/usr/bin/env bash
# Creates the AWS side of `shadowdiff vpc-ingest` with the AWS CLI: a mirror target (the ingest
# host's ENI), a filter passing only the primary's HTTP port both ways, and one session per primary
# ENI. Edit the JSON files (ENI ids, port, VNI) first; the ids each step prints feed the next.
# Nothing here runs in tests: it is the runbook, in the order AWS needs it.
set -euo pipefail
cd "$(dirname "$0")"

target=$(aws ec2 create-traffic-mirror-target --cli-input-json file://mirror-target.json \
  --query TrafficMirrorTarget.TrafficMirrorTargetId --output text)
filter=$(aws ec2 create-traffic-mirror-filter --cli-input-json file://mirror-filter.json \
  --query TrafficMirrorFilter.TrafficMirrorFilterId --output text)
for direction in ingress egress; do
  sed "s/tmf-0000000000000000/$filter/" "filter-rule-$direction.json" >"/tmp/rule-$direction.json"
  aws ec2 create-traffic-mirror-filter-rule --cli-input-json "file:///tmp/rule-$direction.json"
done
sed -e "s/tmt-0000000000000000/$target/" -e "s/tmf-0000000000000000/$filter/" mirror-session.json \
  >/tmp/mirror-session.json
aws ec2 create-traffic-mirror-session --cli-input-json file:///tmp/mirror-session.json
echo "target $target filter $filter: now run on the target host:"
echo "  shadowdiff vpc-ingest --config shadowdiff.yaml"
