#!/usr/bin/env bash
# Makes the Krea simulator's result videos (adapters/providers/krea/simulator/assets/video-*.mp4):
# real H.264 MP4s, one per common aspect ratio, so a 16:9 request gets a 16:9 clip. Run once when
# they need to change and commit the output; nothing at build or test time needs ffmpeg.
#   apt-get install ffmpeg && bash scripts/make-simulator-videos.sh
set -euo pipefail
out="$(dirname "$0")/../adapters/providers/krea/simulator/assets"
make() { # name width height
  ffmpeg -loglevel error -y -f lavfi \
    -i "gradients=size=${2}x${3}:rate=12:duration=3:speed=0.03:nb_colors=3:seed=7" \
    -vf "format=yuv420p" \
    -c:v libx264 -profile:v baseline -preset veryslow -crf 30 -movflags +faststart -an \
    "$out/$1"
}
make video-16x9.mp4 480 270
make video-9x16.mp4 270 480
make video-1x1.mp4 360 360
ls -l "$out"/video-*.mp4
