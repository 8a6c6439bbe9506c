/* A C program using Polity's C ABI as an embedder would: it compiles the
 * charter named by argv[1], loads the snapshot named by argv[2], prints the
 * verdicts as JSON to stdout, and checks every error path of the ABI
 * (exit status 0 only if all of them behave as documented). */

#include "polity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "FAILED: %s\n", what);
    failures++;
  }
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)n + 1);
  if (!text || fread(text, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  text[n] = '\0';
  fclose(f);
  return text;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: polity_eval CHARTER SNAPSHOT\n");
    return 2;
  }
  char *charter = read_file(argv[1]);
  char *snapshot = read_file(argv[2]);
  PolityProgram *program = NULL;
  PolityState *state = NULL;
  char *error = NULL;
  char *out = NULL;

  check(strcmp(polity_version(), "0.1.0") == 0, "the version");

  PolityStatus s = polity_compile(argv[1], charter, &program, &error);
  if (s != POLITY_STATUS_OK) {
    fprintf(stderr, "compile: %d %s\n", s, error ? error : "");
    return 1;
  }
  s = polity_load_snapshot(program, snapshot, &state, &error);
  if (s != POLITY_STATUS_OK) {
    fprintf(stderr, "snapshot: %d %s\n", s, error ? error : "");
    return 1;
  }
  s = polity_eval_json(program, state, NULL, &out, &error);
  check(s == POLITY_STATUS_OK && out != NULL, "eval_json succeeds");
  if (out) {
    fputs(out, stdout);
  }
  polity_string_free(out);

  /* One law by name, then an unknown one. */
  out = NULL;
  s = polity_eval_json(program, state, "no_such_law", &out, &error);
  check(s == POLITY_STATUS_UNKNOWN_LAW && out == NULL, "an unknown law is a status");
  check(error != NULL && strstr(error, "\"unknown_law\"") != NULL, "an unknown law says so");
  polity_string_free(error);
  error = NULL;

  /* A snapshot that is not JSON, and one that does not match. */
  PolityState *bad = NULL;
  s = polity_load_snapshot(program, "{not json", &bad, &error);
  check(s == POLITY_STATUS_SNAPSHOT_ERROR && bad == NULL, "malformed JSON is a snapshot error");
  check(error != NULL && strstr(error, "\"syntax\"") != NULL, "malformed JSON has its position");
  polity_string_free(error);
  error = NULL;
  s = polity_load_snapshot(program, "{\"nobody\": 1}", &bad, &error);
  check(s == POLITY_STATUS_SNAPSHOT_ERROR, "a mismatched snapshot is a snapshot error");
  check(error != NULL && strstr(error, "\"mismatches\"") != NULL, "mismatches are listed");
  polity_string_free(error);
  error = NULL;

  /* A charter that does not compile: its diagnostics, with codes. */
  PolityProgram *broken = NULL;
  s = polity_compile("broken.polity", "law x { require \"y\": nope }", &broken, &error);
  check(s == POLITY_STATUS_COMPILE_ERROR && broken == NULL, "a bad charter is a compile error");
  check(error != NULL && strstr(error, "\"code\": \"E") == NULL && strstr(error, "\"code\":\"E") != NULL,
        "diagnostics carry their codes");
  polity_string_free(error);
  error = NULL;

  /* Null arguments and a text that is not UTF-8. */
  s = polity_compile(NULL, charter, &broken, &error);
  check(s == POLITY_STATUS_INVALID_ARGUMENT, "a null name is refused");
  polity_string_free(error);
  error = NULL;
  s = polity_compile("x.polity", "\xff\xfe", &broken, NULL);
  check(s == POLITY_STATUS_INVALID_ARGUMENT, "a text that is not UTF-8 is refused");
  s = polity_eval_json(NULL, state, NULL, &out, NULL);
  check(s == POLITY_STATUS_INVALID_ARGUMENT, "a null program is refused");

  polity_state_free(state);
  polity_program_free(program);
  polity_string_free(NULL);
  polity_program_free(NULL);
  polity_state_free(NULL);
  free(charter);
  free(snapshot);
  return failures == 0 ? 0 : 1;
}
