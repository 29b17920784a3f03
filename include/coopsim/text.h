#ifndef COOPSIM_TEXT_H
#define COOPSIM_TEXT_H
/*
** Texts that reach terminals, reports and other programs: names, labels,
** paths. A text is accepted when it is valid UTF-8 and holds no control
** character (C0, DEL, C1: they are line breaks and escape sequences to a
** terminal or a CSV reader) and no bidirectional formatting character
** (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069: they reorder what
** a reader sees, "Trojan Source").
*/
#include <stddef.h>
#include <stdint.h>

/* 0 when the len bytes at s are such a text (an embedded NUL is refused);
** otherwise writes why into why (at least 80 bytes), e.g. "byte 12 is a
** control character (U+001B)", and returns -1. */
int cs_text_check(const char *s, size_t len, char *why, size_t why_size);

/* The length (2 to 4) of the UTF-8 sequence of a character past ASCII at s
** (n bytes left), its code point in *cp; 0 when the bytes there are not one:
** an ASCII or continuation byte, an overlong or cut sequence, a surrogate,
** past U+10FFFF (what jansson also refuses). */
size_t cs_utf8_len(const unsigned char *s, size_t n, uint32_t *cp);

#endif
