#!/usr/bin/env bash
# Turns each podcast script content/podcast/audio/<slug>.txt into content/podcast/audio/<slug>.mp3:
# espeak-ng speaks it (US English, a little slower than its default), lame encodes it as mono
# 22.05 kHz MP3 at 40 kbit/s with ID3 tags (title and track from content/podcast/<slug>.md),
# and the episode's `duration:` front matter is set to the real length in whole seconds.
#
# Idempotent: every run rebuilds in a temporary directory and replaces an MP3 or an episode
# file only when its bytes differ, so a second run changes nothing. espeak-ng and lame are
# deterministic, so the committed files only change when a script, a title or this file does.
#
#   bash scripts/podcast-audio.sh            # all episodes
#   bash scripts/podcast-audio.sh <slug>...  # some
#
# Needs: espeak-ng, lame, sox (soxi) — Debian packages of the same names.
set -euo pipefail

cd "$(dirname "$0")/.."
AUDIO_DIR=content/podcast/audio
EPISODE_DIR=content/podcast

VOICE=en-us       # a clear US English voice
SPEED=155         # words per minute (espeak-ng's default is 175)
PITCH=45
GAP=2             # extra pause between words, in units of 10 ms
BITRATE=40        # kbit/s, constant: 300 KB a minute
ARTIST="FHIR IQ"
ALBUM="The FHIR IQ Podcast"
MAX_BYTES=1000000

for tool in espeak-ng lame soxi; do
  command -v "$tool" >/dev/null || { echo "podcast-audio: $tool is not installed" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A front matter value from an episode file, without surrounding quotes.
front() {
  sed -n "/^---$/,/^---$/{s/^$2:[[:space:]]*//p}" "$1" | head -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/"
}

# The scripts are written to be read (they are also the transcripts); espeak-ng needs help with
# a few of our words: FHIR is said "fire", acronyms it would read as words are spelled out.
speakable() {
  sed -E \
    -e 's/fhirUser/fire user/g' \
    -e 's/\bFHIR\b/fire/g; s/\bfhir\b/fire/g' \
    -e 's/\bIQ\b/I Q/g' \
    -e 's/\bUSCDI\b/U S C D I/g' \
    -e 's/\bopenid\b/open I D/g' \
    -e 's/\bNDJSON\b/N D JSON/g' \
    "$1"
}

# Replace $2 with $1 only when they differ; say which happened.
install_if_changed() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then
    echo "  unchanged  $2"
  else
    cp "$1" "$2"
    echo "  written    $2"
  fi
}

if [ "$#" -gt 0 ]; then
  slugs=("$@")
else
  slugs=()
  for txt in "$AUDIO_DIR"/*.txt; do slugs+=("$(basename "$txt" .txt)"); done
fi

for slug in "${slugs[@]}"; do
  txt="$AUDIO_DIR/$slug.txt"
  md="$EPISODE_DIR/$slug.md"
  mp3="$AUDIO_DIR/$slug.mp3"
  [ -f "$txt" ] || { echo "podcast-audio: no script $txt" >&2; exit 1; }
  [ -f "$md" ] || { echo "podcast-audio: no episode file $md for $txt" >&2; exit 1; }

  title=$(front "$md" title)
  episode=$(front "$md" episode)
  date=$(front "$md" date)
  echo "$slug: episode $episode, \"$title\""

  speakable "$txt" >"$work/$slug.spoken.txt"
  espeak-ng -v "$VOICE" -s "$SPEED" -p "$PITCH" -g "$GAP" -f "$work/$slug.spoken.txt" -w "$work/$slug.wav"
  # --noreplaygain and a fixed bitrate keep the output byte-for-byte reproducible.
  lame --quiet --noreplaygain -m m --resample 22.05 --cbr -b "$BITRATE" \
    --add-id3v2 --tt "$title" --ta "$ARTIST" --tl "$ALBUM" --tn "$episode" \
    --ty "${date:0:4}" --tg "Podcast" --tc "Narrated by espeak-ng from $slug.txt" \
    "$work/$slug.wav" "$work/$slug.mp3"

  bytes=$(wc -c <"$work/$slug.mp3")
  if [ "$bytes" -gt "$MAX_BYTES" ]; then
    echo "podcast-audio: $slug.mp3 is $bytes bytes, over $MAX_BYTES: shorten the script" >&2
    exit 1
  fi

  # The length of what was encoded, measured by decoding the MP3 itself.
  lame --quiet --decode "$work/$slug.mp3" "$work/$slug.decoded.wav"
  seconds=$(soxi -D "$work/$slug.decoded.wav")
  duration=$(printf '%.0f' "$seconds")
  echo "  ${duration} s, $((bytes / 1024)) KB"

  install_if_changed "$work/$slug.mp3" "$mp3"
  sed "/^---$/,/^---$/s/^duration:.*/duration: $duration/" "$md" >"$work/$slug.md"
  install_if_changed "$work/$slug.md" "$md"
done
