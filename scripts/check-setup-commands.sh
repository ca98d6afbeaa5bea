#!/usr/bin/env bash
# Runs the commands of docs/SETUP.md that can run on this machine, and checks what they produce.
#
#   scripts/check-setup-commands.sh            (builds with `node scripts/build.js` first)
#   SKIP_BUILD=1 scripts/check-setup-commands.sh   (reuse an existing .build/)
#   KEEP_TEMP=1 scripts/check-setup-commands.sh    (keep the temp folder with the generated files)
#
# 1. Every fenced block marked ```bash check``` in docs/SETUP.md is extracted and run, unchanged, in a temp
#    folder (bash -euo pipefail), in the order of the page. The "existing" key, certificate and .pfx that the
#    optional blocks convert are created first as fixtures.
# 2. The resulting files are loaded with Node (crypto.X509Certificate, crypto.createPrivateKey with and without
#    passphrase) and with the package's own loadCertificate() from .build/, and the SHA-1/SHA-256 thumbprints
#    that openssl printed must equal the ones the package computes.
# 3. Every `npm run <x>` / `npm test` / `npm start` in README.md, docs/SETUP.md and CHANGELOG.md must be a package.json script,
#    every `node scripts/<file>.js` must exist, and every message quoted in the troubleshooting table of
#    docs/SETUP.md (between the messages:start/end markers) must occur in the code; links to #anchors in these
#    documents must point to existing headings.
# Prints one PASS/FAIL line per check and ends with exactly one line "N passed, N failed"; exits 1 on failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SETUP="$ROOT/docs/SETUP.md"
README="$ROOT/README.md"
PASSED=0
FAILED=0

pass() {
	PASSED=$((PASSED + 1))
	printf 'PASS %s\n' "$1"
}
fail() {
	FAILED=$((FAILED + 1))
	printf 'FAIL %s\n' "$1"
	if [ -n "${2:-}" ]; then printf '%s\n' "$2" | sed 's/^/     /'; fi
}
finish() {
	printf '%s passed, %s failed\n' "$PASSED" "$FAILED"
	if [ "$FAILED" -gt 0 ]; then exit 1; fi
	exit 0
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/check-setup-commands.XXXXXX")"
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	if [ "${KEEP_TEMP:-0}" = 1 ]; then
		printf 'temp folder kept: %s\n' "$WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
mkdir -p "$WORK/blocks" "$WORK/run"

# ---------------------------------------------------------------------------------------------------------------
# 0. Tools and build
# ---------------------------------------------------------------------------------------------------------------
if command -v openssl >/dev/null 2>&1; then
	pass "openssl is available ($(openssl version))"
else
	fail "openssl is not installed" "Install it (Debian/Ubuntu: apt-get install -y openssl) and run again."
	finish
fi
if command -v node >/dev/null 2>&1; then
	pass "node is available ($(node --version))"
else
	fail "node is not installed"
	finish
fi

CERT_JS="$ROOT/.build/nodes/shared/credential/certificate.js"
if [ "${SKIP_BUILD:-0}" = 1 ] && [ -f "$CERT_JS" ]; then
	printf 'INFO SKIP_BUILD=1: using the existing %s\n' "${CERT_JS#"$ROOT"/}"
elif (cd "$ROOT" && node scripts/build.js) >"$WORK/build.log" 2>&1; then
	pass "node scripts/build.js (package and .build/ compiled)"
else
	fail "node scripts/build.js" "$(tail -n 15 "$WORK/build.log")"
fi
if [ ! -f "$CERT_JS" ]; then
	fail "${CERT_JS#"$ROOT"/} exists" "Build the package first: node scripts/build.js"
	finish
fi

# ---------------------------------------------------------------------------------------------------------------
# 1. Extract and run the ```bash check``` blocks of docs/SETUP.md
# ---------------------------------------------------------------------------------------------------------------
if ! awk -v dir="$WORK/blocks" '
	/^[ \t]*```bash check[ \t]*$/ {
		inblock = 1; n++; match($0, /^[ \t]*/); indent = RLENGTH
		file = sprintf("%s/%02d.sh", dir, n); printf "" > file; next
	}
	inblock && /^[ \t]*```[ \t]*$/ { inblock = 0; close(file); next }
	inblock { print substr($0, indent + 1) > file }
	END { if (inblock) exit 3 }
' "$SETUP"; then
	fail "docs/SETUP.md: every \`\`\`bash check block is closed"
	finish
fi
BLOCKS=("$WORK"/blocks/*.sh)
if [ ! -e "${BLOCKS[0]}" ]; then
	fail "docs/SETUP.md contains \`\`\`bash check blocks"
	finish
fi
pass "docs/SETUP.md: ${#BLOCKS[@]} \`\`\`bash check blocks extracted"

# What the admin would type before option B / block G (the page reads them with `read -rs`).
export CERT_PASSPHRASE='check setup: correct horse battery staple'
export PFX_PASSWORD='check-setup-pfx-password'

# Fixtures: the "existing" PKCS#1 key + certificate, its .pfx, and an encrypted PKCS#1 key, which blocks E-G convert.
if (
	cd "$WORK/run"
	openssl genrsa -traditional -out existing-rsa.key 2048 2>/dev/null || openssl genrsa -out existing-rsa.key 2048
	openssl req -x509 -new -key existing-rsa.key -sha256 -days 30 -subj "/CN=existing certificate" -out existing.pem
	openssl pkcs12 -export -inkey existing-rsa.key -in existing.pem -passout env:PFX_PASSWORD -out existing.pfx
	openssl genrsa -aes256 -traditional -passout env:CERT_PASSPHRASE -out existing-rsa-encrypted.key 2048 2>/dev/null ||
		openssl genrsa -aes256 -passout env:CERT_PASSPHRASE -out existing-rsa-encrypted.key 2048
	openssl req -x509 -new -key existing-rsa-encrypted.key -passin env:CERT_PASSPHRASE -sha256 -days 30 \
		-subj "/CN=existing encrypted PKCS#1" -out existing-rsa-encrypted.pem
) >"$WORK/fixtures.log" 2>&1; then
	pass "fixtures: an existing PKCS#1 key with certificate, its .pfx, and an encrypted PKCS#1 key"
else
	fail "fixtures for blocks E-G" "$(tail -n 10 "$WORK/fixtures.log")"
fi

: >"$WORK/blocks-stdout.txt"
for block in "${BLOCKS[@]}"; do
	name="$(basename "$block" .sh)"
	label="$(grep -m1 '^#' "$block" | sed 's/^#[ \t]*//' || true)"
	if (cd "$WORK/run" && bash -euo pipefail "$block") >"$block.out" 2>"$block.err"; then
		pass "SETUP.md block $name runs: ${label:-(no comment line)}"
	else
		fail "SETUP.md block $name runs: ${label:-(no comment line)}" "$(cat "$block")
--- stderr:
$(tail -n 8 "$block.err")"
	fi
	cat "$block.out" >>"$WORK/blocks-stdout.txt"
done

# The thumbprints exactly as the page's commands printed them ("sha1 Fingerprint=…", "SHA1 …" in OpenSSL 1.x).
OPENSSL_SHA1="$(grep -i '^sha1 Fingerprint=' "$WORK/blocks-stdout.txt" | head -n 1 | cut -d= -f2 || true)"
OPENSSL_SHA256="$(grep -i '^sha256 Fingerprint=' "$WORK/blocks-stdout.txt" | head -n 1 | cut -d= -f2 || true)"
if [ -n "$OPENSSL_SHA1" ] && [ -n "$OPENSSL_SHA256" ]; then
	pass "SETUP.md printed both thumbprints (SHA-1 $OPENSSL_SHA1)"
else
	fail "SETUP.md printed both thumbprints" "$(cat "$WORK/blocks-stdout.txt")"
fi
# The encrypted variant (option B): the same command, on that certificate.
ENC_SHA1=''
ENC_SHA256=''
if [ -f "$WORK/run/n8n-graph-encrypted.pem" ]; then
	ENC_SHA1="$(openssl x509 -in "$WORK/run/n8n-graph-encrypted.pem" -noout -fingerprint -sha1 | tr -d ':' | cut -d= -f2)"
	ENC_SHA256="$(openssl x509 -in "$WORK/run/n8n-graph-encrypted.pem" -noout -fingerprint -sha256 | tr -d ':' | cut -d= -f2)"
fi

# ---------------------------------------------------------------------------------------------------------------
# 2. Load the files with Node and with the package's loadCertificate()
# ---------------------------------------------------------------------------------------------------------------
VERIFY_JS="$(cat <<'JS'
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const [dir, certJs] = process.argv.slice(1);
const { loadCertificate } = require(certJs);
const env = process.env;
const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
const hex = (fp) => fp.replace(/:/g, '').toUpperCase();
function check(label, fn) {
	try {
		const detail = fn();
		console.log(`PASS ${label}${detail ? ` (${detail})` : ''}`);
	} catch (error) {
		console.log(`FAIL ${label}\n     ${String(error && error.message ? error.message : error).split('\n').join('\n     ')}`);
	}
}
function assert(condition, message) {
	if (!condition) throw new Error(message);
}
function rejects(fn) {
	try {
		fn();
	} catch (error) {
		return error;
	}
	throw new Error('expected an error, got none');
}

check('n8n-graph.pem is an X.509 certificate with an RSA key of 2048 bits or more (crypto.X509Certificate)', () => {
	const cert = new crypto.X509Certificate(read('n8n-graph.pem'));
	assert(cert.publicKey.asymmetricKeyType === 'rsa', `key type ${cert.publicKey.asymmetricKeyType}`);
	const bits = cert.publicKey.asymmetricKeyDetails.modulusLength;
	assert(bits >= 2048, `${bits} bits`);
	return `${cert.subject.replace(/\n/g, ', ')}, ${bits} bits, valid to ${cert.validTo}`;
});
check('n8n-graph.key loads (crypto.createPrivateKey) and belongs to n8n-graph.pem', () => {
	const text = read('n8n-graph.key');
	assert(text.startsWith('-----BEGIN PRIVATE KEY-----'), 'not a PKCS#8 PEM key');
	const key = crypto.createPrivateKey(text);
	assert(new crypto.X509Certificate(read('n8n-graph.pem')).checkPrivateKey(key), 'key and certificate do not match');
});
check('n8n-graph-encrypted.key is encrypted: refused without passphrase, loads with it (createPrivateKey), matches its certificate', () => {
	const text = read('n8n-graph-encrypted.key');
	assert(text.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----'), 'not an encrypted PKCS#8 PEM key');
	rejects(() => crypto.createPrivateKey(text));
	const wrong = rejects(() => crypto.createPrivateKey({ key: text, passphrase: 'wrong passphrase' }));
	const key = crypto.createPrivateKey({ key: text, passphrase: env.CERT_PASSPHRASE });
	const cert = new crypto.X509Certificate(read('n8n-graph-encrypted.pem'));
	assert(cert.checkPrivateKey(key), 'key and certificate do not match');
	const bits = key.asymmetricKeyDetails.modulusLength;
	assert(bits >= 3072, `${bits} bits`);
	return `${bits} bits; wrong passphrase: ${wrong.code || wrong.message}`;
});
check('n8n-graph.cer (DER, block D) is the same certificate as n8n-graph.pem', () => {
	const der = new crypto.X509Certificate(fs.readFileSync(path.join(dir, 'n8n-graph.cer')));
	const pem = new crypto.X509Certificate(read('n8n-graph.pem'));
	assert(der.fingerprint256 === pem.fingerprint256, 'fingerprints differ');
});
check('openssl SHA-1 thumbprint = crypto.X509Certificate = package loadCertificate()', () => {
	const material = loadCertificate(read('n8n-graph.pem'), read('n8n-graph.key'), '');
	const node = hex(new crypto.X509Certificate(read('n8n-graph.pem')).fingerprint);
	assert(env.OPENSSL_SHA1, 'openssl printed no SHA-1 thumbprint');
	assert(hex(env.OPENSSL_SHA1) === material.thumbprintSha1, `openssl ${env.OPENSSL_SHA1} vs package ${material.thumbprintSha1}`);
	assert(node === material.thumbprintSha1, `node ${node} vs package ${material.thumbprintSha1}`);
	return material.thumbprintSha1;
});
check('openssl SHA-256 thumbprint = crypto.X509Certificate = package loadCertificate()', () => {
	const material = loadCertificate(read('n8n-graph.pem'), read('n8n-graph.key'), '');
	const node = hex(new crypto.X509Certificate(read('n8n-graph.pem')).fingerprint256);
	assert(env.OPENSSL_SHA256, 'openssl printed no SHA-256 thumbprint');
	assert(hex(env.OPENSSL_SHA256) === material.thumbprintSha256, `openssl ${env.OPENSSL_SHA256} vs package ${material.thumbprintSha256}`);
	assert(node === material.thumbprintSha256, `node ${node} vs package ${material.thumbprintSha256}`);
	return material.thumbprintSha256;
});
check('option B: package loadCertificate() decrypts the key with the passphrase; thumbprints = openssl', () => {
	const material = loadCertificate(read('n8n-graph-encrypted.pem'), read('n8n-graph-encrypted.key'), env.CERT_PASSPHRASE);
	assert(hex(env.ENC_SHA1 || '') === material.thumbprintSha1, `SHA-1 openssl ${env.ENC_SHA1} vs package ${material.thumbprintSha1}`);
	assert(hex(env.ENC_SHA256 || '') === material.thumbprintSha256, `SHA-256 openssl ${env.ENC_SHA256} vs package ${material.thumbprintSha256}`);
	assert(material.privateKeyPem.startsWith('-----BEGIN PRIVATE KEY-----'), 'decrypted key is not PKCS#8');
});
check('package loadCertificate() repairs flattened PEM (line breaks as spaces, or as a literal \\n)', () => {
	const plain = loadCertificate(read('n8n-graph.pem'), read('n8n-graph.key'), '').thumbprintSha256;
	const spaces = loadCertificate(read('n8n-graph.pem').replace(/\n/g, ' '), read('n8n-graph.key').replace(/\n/g, ' '), '');
	assert(spaces.thumbprintSha256 === plain, 'spaces: different certificate');
	const encrypted = loadCertificate(read('n8n-graph-encrypted.pem'), read('n8n-graph-encrypted.key'), env.CERT_PASSPHRASE).thumbprintSha256;
	const literal = loadCertificate(
		read('n8n-graph-encrypted.pem').replace(/\n/g, '\\n'),
		read('n8n-graph-encrypted.key').replace(/\n/g, '\\n'),
		env.CERT_PASSPHRASE,
	);
	assert(literal.thumbprintSha256 === encrypted, 'literal \\n: different certificate');
});
check('wrong passphrase gives the message quoted in docs/SETUP.md', () => {
	const error = rejects(() => loadCertificate(read('n8n-graph-encrypted.pem'), read('n8n-graph-encrypted.key'), 'wrong passphrase'));
	const expected = 'The private key could not be decrypted: the Private Key Passphrase is wrong (or the key is damaged).';
	assert(error.message === expected, `got: ${error.message}`);
	assert(error.field === 'privateKeyPassphrase', `field ${error.field}`);
});
check('empty passphrase on an encrypted key gives the message quoted in docs/SETUP.md', () => {
	const error = rejects(() => loadCertificate(read('n8n-graph-encrypted.pem'), read('n8n-graph-encrypted.key'), ''));
	assert(error.name === 'CredentialConfigError', `${error.name}: ${error.message}`);
	const expected = 'The private key is encrypted. Enter its passphrase in Private Key Passphrase.';
	assert(error.message === expected, `got: ${error.message}`);
	assert(error.field === 'privateKeyPassphrase', `field ${error.field}`);
});
check('a key and certificate from different key pairs are refused', () => {
	const error = rejects(() => loadCertificate(read('n8n-graph.pem'), read('existing-rsa.key'), ''));
	assert(/does not belong to the Certificate/.test(error.message), error.message);
});
check('PKCS#1 key ("BEGIN RSA PRIVATE KEY") is accepted as it is, and block E converts it to PKCS#8', () => {
	const pkcs1 = read('existing-rsa.key');
	assert(pkcs1.startsWith('-----BEGIN RSA PRIVATE KEY-----'), 'fixture is not PKCS#1');
	const pkcs8 = read('existing-pkcs8.key');
	assert(pkcs8.startsWith('-----BEGIN PRIVATE KEY-----'), 'block E output is not PKCS#8');
	const a = loadCertificate(read('existing.pem'), pkcs1, '');
	const b = loadCertificate(read('existing.pem'), pkcs8, '');
	assert(a.thumbprintSha256 === b.thumbprintSha256, 'different certificates');
	assert(crypto.createPrivateKey(pkcs8).asymmetricKeyType === 'rsa', 'not RSA');
});
check('block F output (encrypted PKCS#8) loads with the passphrase and matches its certificate', () => {
	const text = read('existing-pkcs8-encrypted.key');
	assert(text.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----'), 'not encrypted PKCS#8');
	crypto.createPrivateKey({ key: text, passphrase: env.CERT_PASSPHRASE });
	loadCertificate(read('existing.pem'), text, env.CERT_PASSPHRASE);
});
check('encrypted PKCS#1 key (Proc-Type: 4,ENCRYPTED) is accepted with its passphrase, also when flattened', () => {
	const text = read('existing-rsa-encrypted.key');
	assert(/Proc-Type: 4,ENCRYPTED/.test(text), 'fixture is not an encrypted PKCS#1 key');
	loadCertificate(read('existing-rsa-encrypted.pem'), text, env.CERT_PASSPHRASE);
	loadCertificate(read('existing-rsa-encrypted.pem'), text.replace(/\n/g, '\\n'), env.CERT_PASSPHRASE);
	const missing = rejects(() => loadCertificate(read('existing-rsa-encrypted.pem'), text, ''));
	assert(missing.field === 'privateKeyPassphrase', `without passphrase: ${missing.message}`);
});
check('block G takes the certificate and key out of the .pfx (they match the originals)', () => {
	const cert = read('existing-from-pfx.pem');
	const key = read('existing-from-pfx.key');
	assert(cert.startsWith('-----BEGIN CERTIFICATE-----'), 'certificate has extra lines');
	assert(key.startsWith('-----BEGIN PRIVATE KEY-----'), 'key has extra lines');
	const fromPfx = loadCertificate(cert, key, '');
	const original = loadCertificate(read('existing.pem'), read('existing-rsa.key'), '');
	assert(fromPfx.thumbprintSha256 === original.thumbprintSha256, 'different certificate');
});
JS
)"
export OPENSSL_SHA1 OPENSSL_SHA256 ENC_SHA1 ENC_SHA256
while IFS= read -r line; do
	case "$line" in
	PASS\ *) pass "${line#PASS }" ;;
	FAIL\ *) fail "${line#FAIL }" ;;
	*) printf '%s\n' "$line" ;;
	esac
done < <(node -e "$VERIFY_JS" "$WORK/run" "$CERT_JS" 2>&1 || echo "FAIL node verification script crashed")

# ---------------------------------------------------------------------------------------------------------------
# 3. npm commands, script files and quoted messages
# ---------------------------------------------------------------------------------------------------------------
DOCS=()
for doc in "$README" "$SETUP" "$ROOT/CHANGELOG.md"; do
	if [ -f "$doc" ]; then DOCS+=("$doc"); else printf 'INFO %s does not exist yet\n' "${doc#"$ROOT"/}"; fi
done

NPM_SCRIPTS="$(cd "$ROOT" && node -e 'console.log(Object.keys(require("./package.json").scripts || {}).join(" "))')"
while IFS= read -r cmd; do
	[ -n "$cmd" ] || continue
	case "$cmd" in
	"npm test" | "npm t") script='test' ;;
	"npm start") script='start' ;;
	"npm stop") script='stop' ;;
	"npm restart") script='restart' ;;
	*) script="${cmd##* }" ;;
	esac
	if printf ' %s ' "$NPM_SCRIPTS" | grep -q " $script "; then
		pass "\`$cmd\` (README/SETUP) is the package.json script \"$script\""
	else
		fail "\`$cmd\` (README/SETUP) has no package.json script \"$script\"" "package.json scripts: $NPM_SCRIPTS"
	fi
done < <(grep -ohE '\bnpm (run(-script)? [A-Za-z0-9:_.-]+|test|start|stop|restart|t)\b' "${DOCS[@]}" | sort -u)

while IFS= read -r ref; do
	[ -n "$ref" ] || continue
	file="${ref#node }"
	if [ -f "$ROOT/$file" ]; then pass "\`$ref\` (README/SETUP): $file exists"; else fail "\`$ref\` (README/SETUP): $file is missing"; fi
done < <(grep -ohE '\bnode scripts/[A-Za-z0-9_./-]+\.js' "${DOCS[@]}" | sort -u)

MESSAGES_JS="$(cat <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const [root, setup] = process.argv.slice(1);
function sources(dir) {
	const out = [];
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) out.push(...sources(full));
		else if (entry.name.endsWith('.ts')) out.push(fs.readFileSync(full, 'utf8'));
	}
	return out;
}
// The code as an admin would read its strings: escaped quotes unescaped.
const code = [...sources(path.join(root, 'nodes')), ...sources(path.join(root, 'credentials'))]
	.join('\n')
	.replace(/\\'/g, "'")
	.replace(/\\"/g, '"');
const text = fs.readFileSync(setup, 'utf8');
const start = text.indexOf('<!-- messages:start');
const end = text.indexOf('<!-- messages:end');
if (start < 0 || end < start) {
	console.log('FAIL docs/SETUP.md has a <!-- messages:start --> … <!-- messages:end --> section');
	process.exit(0);
}
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
let count = 0;
for (const row of text.slice(start, end).split('\n')) {
	const first = /^\|\s*`([^`]+)`\s*\|/.exec(row);
	if (!first) continue;
	count++;
	const quoted = first[1];
	// "…" stands for a value the code fills in: ${…} in a template literal, or a concatenated expression.
	const pattern = new RegExp(quoted.split('…').map(escape).join('[\\s\\S]{1,200}?'));
	console.log(pattern.test(code) ? `PASS message in code: ${quoted}` : `FAIL message not found in nodes/ or credentials/: ${quoted}`);
}
if (count === 0) console.log('FAIL the troubleshooting table of docs/SETUP.md quotes no messages');
JS
)"
if [ -f "$SETUP" ]; then
	while IFS= read -r line; do
		case "$line" in
		PASS\ *) pass "${line#PASS }" ;;
		FAIL\ *) fail "${line#FAIL }" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done < <(node -e "$MESSAGES_JS" "$ROOT" "$SETUP" 2>&1 || echo "FAIL message check crashed")
fi

# In-page and cross-document anchors (#section) must exist, in the documents that exist.
ANCHORS_JS="$(cat <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const docs = process.argv.slice(1);
// GitHub's heading ids: lower case, punctuation except "-" and "_" dropped, spaces to "-", duplicates numbered.
function anchorsOf(file) {
	const ids = new Set();
	const seen = new Map();
	let fenced = false;
	for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
		if (/^\s*```/.test(line)) fenced = !fenced;
		// Explicit HTML anchors (<a id="…"></a>) keep old links working after a heading is renamed.
		for (const m of fenced ? [] : line.matchAll(/<a id="([^"]+)"><\/a>/g)) ids.add(m[1]);
		const heading = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
		if (!heading) continue;
		const base = heading[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
		const n = seen.get(base) ?? 0;
		seen.set(base, n + 1);
		ids.add(n ? `${base}-${n}` : base);
	}
	return ids;
}
for (const doc of docs) {
	const text = fs.readFileSync(doc, 'utf8');
	const links = new Set([...text.matchAll(/\]\(([^)\s]*#[^)\s]+)\)/g)].map((m) => m[1]));
	for (const link of links) {
		const [target, anchor] = link.split('#');
		if (/^https?:/.test(target)) continue;
		const file = target ? path.resolve(path.dirname(doc), target) : doc;
		if (!fs.existsSync(file)) continue;
		const ok = anchorsOf(file).has(anchor);
		const label = `${path.basename(doc)} → ${link}`;
		console.log(ok ? `PASS anchor exists: ${label}` : `FAIL anchor missing: ${label}`);
	}
}
JS
)"
while IFS= read -r line; do
	case "$line" in
	PASS\ *) pass "${line#PASS }" ;;
	FAIL\ *) fail "${line#FAIL }" ;;
	*) printf '%s\n' "$line" ;;
	esac
done < <(node -e "$ANCHORS_JS" "${DOCS[@]}" 2>&1 || echo "FAIL anchor check crashed")

# Local links: only reported, not counted (other documents are written by other people).
for doc in "${DOCS[@]}"; do
	dir="$(dirname "$doc")"
	while IFS= read -r link; do
		target="$link"
		if [ ! -e "$dir/$target" ]; then printf 'INFO %s links to %s, which does not exist yet\n' "${doc#"$ROOT"/}" "$target"; fi
	done < <(grep -oE '\]\([^)]+\)' "$doc" | sed -E 's/^\]\(//; s/\)$//; s/#.*$//' | grep -vE '^(https?:|mailto:|$)' | sort -u)
done

finish
