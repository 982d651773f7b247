#!/usr/bin/env bash
# Installs (or upgrades) the Nguồn device agent on a receiver running Raspberry Pi OS / Debian 12+,
# arm64 or armhf (amd64 is accepted for test rigs). Idempotent: run it again to upgrade the agent or to
# change its settings; settings not given keep their current value.
#
#   sudo device-agent/deploy/install.sh --device-id rx-26734-01 --secret '…' \
#        --broker-url mqtt://nguon.example.vn:1884 [--player alsa|null] [--alsa-device hw:0,0] \
#        [--source DIR] [--no-start]
#
# --source is a checkout of the Nguồn repository (default: the one this script is in) where
#   npm ci && npm run build -w schemas -w protocols -w device-agent
# has been run. The built JavaScript is the same for every architecture, so it can be built on a PC and
# copied over; npm then fetches the native parts (better-sqlite3) for this receiver.
set -euo pipefail

readonly AGENT_USER=nguon
readonly DATA_DIR=/var/lib/nguon-agent
readonly CONFIG_DIR=/etc/nguon-agent
readonly CONFIG_FILE=$CONFIG_DIR/agent.json
readonly INSTALL_DIR=/opt/nguon-agent
readonly UNIT_FILE=/etc/systemd/system/nguon-agent.service
readonly POLKIT_RULE=/etc/polkit-1/rules.d/50-nguon-agent.rules
readonly NODE_MAJOR_MIN=20
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR

SOURCE_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)
DEVICE_ID=''
SECRET=''
BROKER_URL=''
PLAYER=''
ALSA_DEVICE=''
START=yes

log() { printf '[nguon-agent] %s\n' "$*"; }
die() {
  printf '[nguon-agent] error: %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

parse_args() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --device-id) DEVICE_ID=${2:?--device-id needs a value}; shift 2 ;;
      --secret) SECRET=${2:?--secret needs a value}; shift 2 ;;
      --broker-url) BROKER_URL=${2:?--broker-url needs a value}; shift 2 ;;
      --player) PLAYER=${2:?--player needs a value}; shift 2 ;;
      --alsa-device) ALSA_DEVICE=${2:?--alsa-device needs a value}; shift 2 ;;
      --source) SOURCE_DIR=${2:?--source needs a value}; shift 2 ;;
      --no-start) START=no; shift ;;
      -h | --help) usage 0 ;;
      *) printf 'unknown argument: %s\n\n' "$1" >&2; usage 2 ;;
    esac
  done
  case "$PLAYER" in '' | alsa | null) ;; *) die "--player must be alsa or null" ;; esac
  if [[ -n "$BROKER_URL" && ! "$BROKER_URL" =~ ^mqtts?://[^/[:space:]]+$ ]]; then
    die "--broker-url must look like mqtt://host:port"
  fi
}

check_platform() {
  [[ $EUID -eq 0 ]] || die "run as root (sudo)"
  command -v dpkg >/dev/null || die "dpkg not found: this installer is for Raspberry Pi OS / Debian"
  local arch
  arch=$(dpkg --print-architecture)
  case "$arch" in
    arm64 | armhf) ;;
    amd64) log "architecture amd64: fine for a test rig, receivers are arm64 or armhf" ;;
    *) die "unsupported architecture '$arch' (arm64 or armhf expected)" ;;
  esac
  [[ -f "$SOURCE_DIR/device-agent/dist/nguon-agent.mjs" ]] ||
    die "no built agent in $SOURCE_DIR; run there: npm ci && npm run build -w schemas -w protocols -w device-agent"
}

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

install_node() {
  if command -v node >/dev/null && [[ $(node_major) -ge $NODE_MAJOR_MIN ]]; then return 0; fi
  apt-get update -qq
  local candidate
  candidate=$(apt-cache policy nodejs | awk '/Candidate:/ { print $2 }' | sed -E 's/^[0-9]+://; s/\..*//')
  if [[ "$candidate" =~ ^[0-9]+$ && $candidate -ge $NODE_MAJOR_MIN ]]; then
    apt_install nodejs npm
  else
    # Debian 12 ships Node.js 18: take 20 from NodeSource's apt repository, signed by its key.
    log "Node.js $NODE_MAJOR_MIN+ is not in this release's repositories; adding NodeSource's"
    apt_install ca-certificates curl gnupg
    install -d -m 0755 /etc/apt/keyrings
    curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key |
      gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg
    echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_$NODE_MAJOR_MIN.x nodistro main" \
      >/etc/apt/sources.list.d/nodesource.list
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs
  fi
  [[ $(node_major) -ge $NODE_MAJOR_MIN ]] || die "Node.js $NODE_MAJOR_MIN+ could not be installed"
}

create_user_and_dirs() {
  # gpio exists on Raspberry Pi OS only; the unit names it, so make sure it exists everywhere.
  for group in audio gpio video; do getent group "$group" >/dev/null || groupadd --system "$group"; done
  if ! id -u "$AGENT_USER" >/dev/null 2>&1; then
    useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin "$AGENT_USER"
  fi
  usermod -a -G audio,gpio,video "$AGENT_USER"
  install -d -o "$AGENT_USER" -g "$AGENT_USER" -m 0750 "$DATA_DIR"
  install -d -o root -g "$AGENT_USER" -m 0750 "$CONFIG_DIR"
}

install_agent() {
  local app=$INSTALL_DIR/app
  install -d -m 0755 "$INSTALL_DIR" "$app"
  for pkg in schemas protocols device-agent; do
    rm -rf "${app:?}/$pkg"
    install -d -m 0755 "$app/$pkg"
    cp -a "$SOURCE_DIR/$pkg/package.json" "$SOURCE_DIR/$pkg/dist" "$app/$pkg/"
  done
  cp -a "$SOURCE_DIR/package-lock.json" "$app/" 2>/dev/null || true
  cat >"$app/package.json" <<'JSON'
{ "name": "nguon-agent-install", "private": true, "type": "module",
  "workspaces": ["schemas", "protocols", "device-agent"] }
JSON
  log "installing the agent's dependencies in $app"
  if ! (cd "$app" && npm install --omit=dev --no-audit --no-fund --loglevel=error); then
    # No prebuilt better-sqlite3 for this Node/architecture: build it from source.
    apt_install build-essential python3
    (cd "$app" && npm install --omit=dev --no-audit --no-fund --loglevel=error)
  fi
}

# Merges the given settings into agent.json (kept when re-run without them); readable by the agent only.
write_config() {
  local tmp
  tmp=$(mktemp "$CONFIG_DIR/.agent.json.XXXXXX")
  NGUON_DEVICE_ID=$DEVICE_ID NGUON_SECRET=$SECRET NGUON_BROKER_URL=$BROKER_URL NGUON_PLAYER=$PLAYER \
    NGUON_ALSA_DEVICE=$ALSA_DEVICE NGUON_CONFIG=$CONFIG_FILE NGUON_DATA_DIR=$DATA_DIR node --input-type=module -e '
    import { existsSync, readFileSync } from "node:fs";
    const e = process.env;
    const current = existsSync(e.NGUON_CONFIG) ? JSON.parse(readFileSync(e.NGUON_CONFIG, "utf8")) : {};
    const given = { deviceId: e.NGUON_DEVICE_ID, secret: e.NGUON_SECRET, brokerUrl: e.NGUON_BROKER_URL,
      player: e.NGUON_PLAYER, alsaDevice: e.NGUON_ALSA_DEVICE };
    const next = { dataDir: e.NGUON_DATA_DIR, ffmpegPath: "/usr/bin/ffmpeg", ...current };
    for (const [k, v] of Object.entries(given)) if (v) next[k] = v;
    next.hooks = { reboot: "systemctl reboot", ...(current.hooks ?? {}) };
    for (const k of ["deviceId", "secret", "brokerUrl"]) {
      if (!next[k]) { console.error(`missing --${k.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}`); process.exit(1); }
    }
    process.stdout.write(JSON.stringify(next, null, 2) + "\n");
  ' >"$tmp" || {
    rm -f "$tmp"
    die "agent.json not written (first install needs --device-id, --secret and --broker-url)"
  }
  chown root:"$AGENT_USER" "$tmp"
  chmod 0640 "$tmp"
  mv -f "$tmp" "$CONFIG_FILE"
}

# Lets the unprivileged agent run its default reboot hook (`systemctl reboot`) through logind.
allow_reboot() {
  apt_install polkitd || { log "polkitd unavailable: set a reboot hook that works here"; return 0; }
  install -d -m 0755 "$(dirname "$POLKIT_RULE")"
  cat >"$POLKIT_RULE" <<'JS'
// Nguồn device agent: the `reboot` remote command runs `systemctl reboot` as user nguon.
polkit.addRule(function (action, subject) {
  if ((action.id === "org.freedesktop.login1.reboot" ||
       action.id === "org.freedesktop.login1.reboot-multiple-sessions") && subject.user === "nguon") {
    return polkit.Result.YES;
  }
});
JS
}

install_unit() {
  install -m 0644 "$SCRIPT_DIR/nguon-agent.service" "$UNIT_FILE"
  systemctl daemon-reload
  systemctl enable nguon-agent.service >/dev/null
  if [[ $START == yes ]]; then
    systemctl restart nguon-agent.service
    log "started; follow it with: journalctl -u nguon-agent -f"
  fi
}

main() {
  parse_args "$@"
  check_platform
  install_node
  apt_install ffmpeg alsa-utils ca-certificates
  create_user_and_dirs
  install_agent
  write_config
  allow_reboot
  install_unit
  log "done: $(node -p "require('$INSTALL_DIR/app/device-agent/package.json').version") installed"
}

main "$@"
