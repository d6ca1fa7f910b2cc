#!/bin/sh
# Build the macOS installer package of the frozen app (run on macOS, after `make package`).
#
#     packaging/macos/build-pkg.sh [VERSION]
#
# Input: dist/ATP Console.app (the BUNDLE of packaging/atp-console.spec).
# Output: dist/atp-console-VERSION.pkg, a component package that installs the app
# into /Applications for all users (pkgbuild), wrapped by productbuild so MDMs
# (Jamf, Intune, Kandji) can deploy it. IT presets the configuration with a
# configuration profile for the domain pe.atupuerta.console (docs/DEPLOYMENT.md)
# or with /Library/Application Support/ATP Console/config.toml.
#
# Signing and notarization need the company's Developer ID: set SIGN_APP and
# SIGN_INSTALLER to the identities' names; without them the package is unsigned
# (fine for a test Mac, refused by Gatekeeper on staff machines).
set -eu

cd "$(dirname "$0")/../.."
version=${1:-$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')}
app="dist/ATP Console.app"
identifier="pe.atupuerta.console"
work="build/macos-pkg"

if [ "$(uname -s)" != "Darwin" ]; then
  echo "build-pkg.sh: pkgbuild and productbuild exist only on macOS" >&2
  exit 2
fi
if [ ! -d "$app" ]; then
  echo "build-pkg.sh: $app is missing: run \`make package\` on macOS first" >&2
  exit 2
fi

rm -rf "$work"
mkdir -p "$work/root/Applications" "$work/scripts"
ditto "$app" "$work/root/Applications/ATP Console.app"

if [ -n "${SIGN_APP:-}" ]; then
  codesign --force --deep --options runtime --timestamp --sign "$SIGN_APP" \
    "$work/root/Applications/ATP Console.app"
fi

# Command-line tools for IT (atp-console --smoke, atp-bridge config show / support-bundle).
cat > "$work/scripts/postinstall" <<'SCRIPT'
#!/bin/sh
mkdir -p /usr/local/bin
for tool in atp-console atp-bridge; do
  ln -sf "/Applications/ATP Console.app/Contents/MacOS/$tool" "/usr/local/bin/$tool"
done
exit 0
SCRIPT
chmod 755 "$work/scripts/postinstall"

pkgbuild --root "$work/root" --identifier "$identifier" --version "$version" \
  --scripts "$work/scripts" --install-location / "$work/atp-console-component.pkg"

sign_args=""
if [ -n "${SIGN_INSTALLER:-}" ]; then
  sign_args="--sign $SIGN_INSTALLER"
fi
# shellcheck disable=SC2086  # sign_args is empty or two words on purpose
productbuild --package "$work/atp-console-component.pkg" $sign_args \
  "dist/atp-console-$version.pkg"
echo "dist/atp-console-$version.pkg"
