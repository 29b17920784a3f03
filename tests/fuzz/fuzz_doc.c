/*
** Fuzz harness: the result document's JSON parser (doc.h cs_doc_from_json),
** which reads what a worker process that ran someone else's scenario sends.
** What it accepts must write back (cs_doc_to_json) as JSON that it accepts
** again and that writes back byte for byte the same.
*/
#include <string.h>
#include "coopsim/doc.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cs_doc *doc = NULL;
  cs_error err = {0, ""};
  int rc = cs_doc_from_json((const char *)data, size, "fuzz", &doc, &err);
  if (rc != 0) {
    CHECK(doc == NULL, "a document despite error %d", rc);
    CHECK(rc < 0 && err.msg[0], "error %d without a message", rc);
    return 0;
  }
  CHECK(doc != NULL, "success without a document");
  char *text = cs_doc_to_json(doc);
  CHECK(text != NULL, "an accepted document does not write");
  cs_doc *again = NULL;
  rc = cs_doc_from_json(text, strlen(text), "written", &again, &err);
  CHECK(rc == 0, "the written document is refused: %s\n%s", err.msg, text);
  char *text2 = cs_doc_to_json(again);
  CHECK(text2 != NULL && strcmp(text, text2) == 0, "writing, reading and writing again changed it:\n%s\n%s",
        text, text2 ? text2 : "(null)");
  free(text);
  free(text2);
  cs_doc_free(doc);
  cs_doc_free(again);
  return 0;
}
