"""A button that uploads a small text file (a scenario file) to the page's handler.

Solara's ``FileDrop`` takes files dropped on it only: no file chooser to click, and nothing a
keyboard or a test can reach. This is a plain ``<input type="file">`` behind a button, read
in the browser and sent as text, since the files it is for are a few kilobytes.
"""

# Solara components are named like classes (PascalCase), as in Solara and Mesa.

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipyvuetify
import solara
import traitlets

MAX_BYTES = 64 * 1024

TEMPLATE = """
<template>
  <label class="text-file-upload">
    <span class="text-file-upload__button">
      <i class="mdi mdi-upload" aria-hidden="true"></i> {{ label }}
    </span>
    <input type="file" :accept="accept" class="text-file-upload__input" @change="read" />
  </label>
</template>
<script>
module.exports = {
  methods: {
    read(event) {
      const input = event.target;
      const file = input.files && input.files[0];
      input.value = "";
      if (!file) return;
      if (file.size > this.max_bytes) {
        this.received({ name: file.name, size: file.size, text: null });
        return;
      }
      file.text().then((text) => this.received({ name: file.name, size: file.size, text }));
    },
  },
};
</script>
<style id="text-file-upload">
.text-file-upload { display: inline-block; cursor: pointer; }
.text-file-upload__button {
  display: inline-block; padding: 6px 14px; border-radius: 4px; font-size: 14px;
  letter-spacing: 0.05em; text-transform: uppercase; font-weight: 500;
  box-shadow: 0 1px 3px rgba(0, 0, 0, 0.3); background: #fff;
}
.text-file-upload__input { position: absolute; width: 1px; height: 1px; opacity: 0; }
.text-file-upload:focus-within .text-file-upload__button { outline: 2px solid #1f4e79; }
</style>
"""


class TextFileWidget(ipyvuetify.VuetifyTemplate):
    """The widget: a file chooser whose file arrives as ``on_file(name, text)``."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    label = traitlets.Unicode("Upload").tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)
    max_bytes = traitlets.Int(MAX_BYTES).tag(sync=True)
    on_file = traitlets.Callable(None, allow_none=True)

    def vue_received(self, data: dict[str, Any]) -> None:
        """Called from the browser with the file's name and text (``None`` if too large)."""
        if self.on_file is not None:
            self.on_file(str(data.get("name", "")), data.get("text"))


@solara.component
def TextFileUpload(
    label: str,
    on_file: Callable[[str, str | None], None],
    accept: str = "",
    max_bytes: int = MAX_BYTES,
):
    """A button opening the file chooser; ``on_file(name, text)`` gets the chosen file.

    Args:
        label: the button's text.
        on_file: called with the file's name and its text, or ``None`` for the text of a file
            larger than ``max_bytes`` (which is not sent).
        accept: the file types the chooser offers (``.toml``).
        max_bytes: the largest file read.
    """
    return TextFileWidget.element(label=label, accept=accept, max_bytes=max_bytes, on_file=on_file)
