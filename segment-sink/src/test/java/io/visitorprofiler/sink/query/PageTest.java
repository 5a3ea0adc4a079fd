package io.visitorprofiler.sink.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Cursors round-trip their key and refuse what they did not make. */
class PageTest {
  @Test
  void aCursorCarriesItsKeyParts() {
    String cursor = Page.cursor("2026-11-22T10:00:00Z", "change:1");
    assertThat(Page.parts(cursor, 2)).containsExactly("2026-11-22T10:00:00Z", "change:1");
    assertThat(cursor).doesNotContain("/", "+", "=");
  }

  @Test
  void aForeignOrMangledCursorIsRefused() {
    assertThatThrownBy(() -> Page.parts("%%%", 1)).hasMessage("invalid cursor");
    assertThatThrownBy(() -> Page.parts(Page.cursor("a", "b"), 1)).hasMessage("invalid cursor");
    // A NUL, which the database refuses in text, is no key of ours.
    assertThatThrownBy(() -> Page.parts("AA", 1)).hasMessage("invalid cursor");
  }
}
