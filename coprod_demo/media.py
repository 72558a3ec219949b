"""The demo's files, made when they are uploaded, so the package ships no recordings.

Nobody's voice is in the demo: the "interview" is a made-up transcript with a short
synthetic chime standing in for the recording, enough for the upload, its checks and the
download to be tried.
"""

from __future__ import annotations

import io
import math
import wave

SAMPLE_RATE = 8000


def interview_wav(seconds: float = 2.0) -> bytes:
    """A mono 8-bit WAV: two soft notes, fading out, where a recording would be."""
    frames = bytearray()
    count = int(SAMPLE_RATE * seconds)
    for index in range(count):
        tone = 523.25 if index < count // 2 else 659.25  # C5, then E5
        fade = 1.0 - (index % (count // 2)) / (count // 2)
        sample = math.sin(2 * math.pi * tone * index / SAMPLE_RATE) * 0.3 * fade
        frames.append(128 + round(sample * 127))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(1)
        recording.setframerate(SAMPLE_RATE)
        recording.writeframes(bytes(frames))
    return buffer.getvalue()


MAKERS = {"interview_wav": interview_wav}
