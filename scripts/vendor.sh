#!/usr/bin/env bash
# Re-fetch the CodeMirror files of the SPARQL query page from the pinned npm release, after
# checking the tarball against the sha512 the registry publishes (and that we pinned here).
# The files are committed, so only whoever updates them needs npm: bump VERSION, set INTEGRITY
# to `npm view codemirror@VERSION dist.integrity`, run `make vendor`, review the diff.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=5.65.21
INTEGRITY=sha512-6teYk0bA0nR3QP0ihGMoxuKzpl5W80FpnHpBJpgy66NK3cZv5b/d/HY8PnRvfSsCG1MTfr92u2WUl+wT0E40mQ==
DEST=src/awardgraph/web/static/vendor/codemirror
FILES=(LICENSE lib/codemirror.js lib/codemirror.css mode/sparql/sparql.js)

published=$(npm view "codemirror@$VERSION" dist.integrity)
if [[ $published != "$INTEGRITY" ]]; then
    echo "codemirror@$VERSION: the registry publishes $published, pinned is $INTEGRITY" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tarball=$(npm pack --silent --pack-destination "$tmp" "codemirror@$VERSION")
actual=sha512-$(openssl dgst -sha512 -binary "$tmp/$tarball" | base64 | tr -d '\n')
if [[ $actual != "$INTEGRITY" ]]; then
    echo "$tarball: its sha512 is $actual, expected $INTEGRITY" >&2
    exit 1
fi

tar -xzf "$tmp/$tarball" -C "$tmp"
rm -rf "$DEST"
for file in "${FILES[@]}"; do
    mkdir -p "$DEST/$(dirname "$file")"
    cp "$tmp/package/$file" "$DEST/$file"
done
echo "Vendored codemirror@$VERSION ($INTEGRITY) into $DEST: ${FILES[*]}"
