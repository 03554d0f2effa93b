#!/usr/bin/env bash
# Refresh the vendored browser libraries under src/minga/static/vendor/.
#
# Maintainer tool: needs npm and access to the npm registry. The product never
# fetches these files at run time; they are committed. Run from anywhere:
#
#     bash scripts/vendor_static.sh
#
# To move to a new version, change the pin below, run the script, review the
# diff (VERSIONS.md shows it), test the pages that use the library, commit.
#
# htmx is NOT vendored here: django-htmx ships it ({% htmx_script %}).
set -euo pipefail

# Exact pins. Notes:
#  - vega-lite 6.5.x declares engines.node >= 22; the machines run Node 20, so stay on 6.4.x.
#  - vega-interpreter 2.3.2 was released with vega 6.4.0: charts evaluate Vega expressions with it instead
#    of compiling them with Function(), so the Content-Security-Policy needs no 'unsafe-eval'.
#  - vega 6.4.0 is the newest 6.x; vega-embed 7.3.0 the newest 7.x (it expects the
#    globals `vega` and `vegaLite`, so load vega.min.js, vega-lite.min.js, vega-embed.min.js
#    in that order).
PINS=(
  "vega@6.4.0"
  "vega-lite@6.4.3"
  "vega-embed@7.3.0"
  "leaflet@1.9.4"
  "topojson-client@3.1.0"
  "vega-interpreter@2.3.2"
)

# Files to copy from each package (paths inside the package tarball, globs allowed).
declare -A FILES=(
  [vega]="build/vega.min.js"
  [vega-lite]="build/vega-lite.min.js"
  [vega-embed]="build/vega-embed.min.js"
  [leaflet]="dist/leaflet.js dist/leaflet.css dist/images/*"
  [topojson-client]="dist/topojson-client.min.js"
  [vega-interpreter]="build/vega-interpreter.js"
)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/minga/static/vendor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

command -v npm >/dev/null || { echo "error: npm is required" >&2; exit 1; }
command -v node >/dev/null || { echo "error: node is required" >&2; exit 1; }

mkdir -p "$DEST"
rows=()

for pin in "${PINS[@]}"; do
  pkg="${pin%@*}"
  ver="${pin##*@}"
  echo "== $pkg $ver"
  work="$TMP/$pkg"
  mkdir -p "$work"
  tgz="$(cd "$work" && npm pack --silent "$pin")"
  tar -xzf "$work/$tgz" -C "$work"
  src="$work/package"

  # Safety: the tarball must be the version we pinned.
  got="$(node -p "require('$src/package.json').version")"
  [[ "$got" == "$ver" ]] || { echo "error: $pkg: got $got, wanted $ver" >&2; exit 1; }
  licence="$(node -p "require('$src/package.json').license || ''")"

  out="$DEST/$pkg"
  rm -rf "$out"
  mkdir -p "$out"

  copied=()
  for pattern in ${FILES[$pkg]}; do
    matched=0
    # shellcheck disable=SC2231  # glob expansion on purpose
    for f in $src/$pattern; do
      [[ -f "$f" ]] || continue
      rel="${f#"$src"/}"
      # Keep leaflet's images/ folder next to leaflet.css (the CSS refers to images/*.png);
      # everything else goes flat into the package folder.
      case "$rel" in
        dist/images/*) mkdir -p "$out/images"; cp "$f" "$out/images/"; copied+=("images/$(basename "$f")") ;;
        *) cp "$f" "$out/"; copied+=("$(basename "$f")") ;;
      esac
      matched=1
    done
    [[ $matched == 1 ]] || { echo "error: $pkg: nothing matches $pattern" >&2; exit 1; }
  done

  # A file that ends in "//# sourceMappingURL=X.map" needs X.map beside it: Django's
  # ManifestStaticFilesStorage (whitenoise's compressed variant too) rewrites that
  # reference at collectstatic time and fails when the map is missing. Copy the map
  # from the same package rather than editing the minified file.
  for c in "${copied[@]}"; do
    map="$(sed -n 's|^//# sourceMappingURL=\([^ ]*\)$|\1|p' "$out/$c" | tail -n 1)"
    [[ -n "$map" ]] || continue
    srcdir="$(dirname "$(find "$src" -type f -name "$(basename "$c")" | head -n 1)")"
    [[ -f "$srcdir/$map" ]] || { echo "error: $pkg: $c refers to $map, not in the package" >&2; exit 1; }
    cp "$srcdir/$map" "$(dirname "$out/$c")/"
    copied+=("$(dirname "$c" | sed 's|^\.$||;s|.$|&/|')$map")
  done

  # vega-interpreter ships only as an ES module that imports the bare name 'vega-util', which a browser
  # resolves only through an import map (an inline script, which the Content-Security-Policy forbids).
  # vega.min.js already carries those vega-util functions on the global `vega`: rewrite the module's one
  # import and one export into a classic script that reads `vega` and sets the global `vegaInterpreter`,
  # and keep no other copy. Any other import or export stops the script: the rewrite would be wrong.
  if [[ "$pkg" == "vega-interpreter" ]]; then
    module="$out/vega-interpreter.js"
    [[ "$(grep -c '^\(import\|export\) ' "$module")" == 2 ]] || { echo "error: $pkg: not one import and one export" >&2; exit 1; }
    {
      echo "// vega-interpreter $ver (build/vega-interpreter.js) as a classic script: written by scripts/vendor_static.sh."
      echo "(function (vegaUtil) {"
      echo "\"use strict\";"
      sed -e "s|^import { \(.*\) } from 'vega-util';\$|const { \1 } = vegaUtil;|" \
          -e 's|^export { expression as expressionInterpreter };$|window.vegaInterpreter = { expressionInterpreter: expression };|' \
          -e '/^\/\/# sourceMappingURL=/d' "$module"
      echo "}(window.vega));"
    } > "$out/vega-interpreter.global.js"
    ! grep -q '^\(import\|export\) ' "$out/vega-interpreter.global.js" || { echo "error: $pkg: rewrite failed" >&2; exit 1; }
    rm "$module" "$out"/*.map 2>/dev/null || true
    copied=("vega-interpreter.global.js")
  fi

  lic_file=""
  for cand in LICENSE LICENSE.md LICENSE.txt LICENCE license; do
    if [[ -f "$src/$cand" ]]; then lic_file="$cand"; break; fi
  done
  [[ -n "$lic_file" ]] || { echo "error: $pkg: no LICENSE file in the package" >&2; exit 1; }
  cp "$src/$lic_file" "$out/LICENSE"

  list="$(printf '%s, ' "${copied[@]}")"
  list="${list%, }"
  rows+=("| $pkg | $ver | $licence | $list | npm \`$pin\` |")
  for c in "${copied[@]}"; do
    printf '   %-34s %9d bytes\n' "$c" "$(stat -c %s "$out/$c")"
  done
done

{
  echo "# Vendored browser libraries"
  echo
  echo "Generated by \`scripts/vendor_static.sh\`; do not edit by hand. The files are copied"
  echo "unchanged from the npm package tarballs (\`npm pack PKG@VERSION\`), each with the"
  echo "package's LICENSE file, and the source map a minified file names in its last line"
  echo "(collectstatic's manifest storage fails on a missing map). Nothing here is fetched at"
  echo "run time. One exception: vega-interpreter is rewritten from an ES module into a classic"
  echo "script (\`vega-interpreter.global.js\`; the script says how and why)."
  echo
  echo "| package | version | licence | files | npm source |"
  echo "| --- | --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Load order for charts: \`vega.min.js\`, \`vega-lite.min.js\`, \`vega-embed.min.js\`"
  echo "(vega-embed reads the globals \`vega\` and \`vegaLite\`), then \`vega-interpreter.global.js\`"
  echo "(it reads the global \`vega\`; charts.js hands its interpreter to vega-embed, so no chart needs eval)."
  echo "Leaflet's CSS refers to \`images/\` relative to \`leaflet.css\`; keep the folder beside it."
  echo "htmx is not here: django-htmx ships it."
} > "$DEST/VERSIONS.md"

echo "wrote $DEST/VERSIONS.md"
