#!/usr/bin/env bash
# Re-fetch the vendored JavaScript from pinned npm releases, after checking each tarball against
# the sha512 the registry publishes (and that we pinned here):
#   - CodeMirror, the editor of the SPARQL query page (shipped with the package);
#   - axe-core, the accessibility audit the browser tests run (tests only, never served).
# The files are committed, so only whoever updates them needs npm: bump the version, set the
# integrity to `npm view NAME@VERSION dist.integrity`, run `make vendor`, review the diff.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# vendor NAME VERSION INTEGRITY DEST FILE... copies FILEs of the package NAME@VERSION into DEST.
vendor() {
    local name=$1 version=$2 integrity=$3 dest=$4
    shift 4
    local published
    published=$(npm view "$name@$version" dist.integrity)
    if [[ $published != "$integrity" ]]; then
        echo "$name@$version: the registry publishes $published, pinned is $integrity" >&2
        exit 1
    fi

    local work="$tmp/$name"
    mkdir -p "$work"
    local tarball actual
    tarball=$(npm pack --silent --pack-destination "$work" "$name@$version")
    actual=sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 | tr -d '\n')
    if [[ $actual != "$integrity" ]]; then
        echo "$tarball: its sha512 is $actual, expected $integrity" >&2
        exit 1
    fi

    tar -xzf "$work/$tarball" -C "$work"
    rm -rf "$dest"
    local file
    for file in "$@"; do
        mkdir -p "$dest/$(dirname "$file")"
        cp "$work/package/$file" "$dest/$file"
    done
    echo "Vendored $name@$version ($integrity) into $dest: $*"
}

vendor codemirror 5.65.21 \
    sha512-6teYk0bA0nR3QP0ihGMoxuKzpl5W80FpnHpBJpgy66NK3cZv5b/d/HY8PnRvfSsCG1MTfr92u2WUl+wT0E40mQ== \
    src/awardgraph/web/static/vendor/codemirror \
    LICENSE lib/codemirror.js lib/codemirror.css mode/sparql/sparql.js

vendor axe-core 4.14.1 \
    sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ== \
    tests/vendor/axe-core \
    LICENSE LICENSE-3RD-PARTY.txt axe.min.js
