// Package steps is the vocabulary of the domain, and only that: the
// verdicts and finding codes of a diagnosis, the ids and kinds of plan
// steps, a plan step with its params and the calls it makes, the org's
// mode, and the facts no Atlassian API shows (Hints). Every other package
// under steps/ speaks these words:
//
//   - search: the fuzzy index of accounts and groups, and loading it;
//   - diagnose: reading the org for one user's case, the verdict, the plan
//     and the plain words that explain them;
//   - journal: the append-only record of every run, read back;
//   - run: the executor that carries out a plan step by step, and the
//     Session that starts, resumes and writes the note of a run;
//   - fixes: the concrete fix steps and their registry;
//   - bulk: checking a list of email changes against the org;
//   - safetext: showing text from outside (org data, server errors, files)
//     without a terminal obeying or hiding any of it; the CLI and the
//     wizard import it too.
//
// Nothing under steps/ speaks HTTP (client/ does) or draws a screen (tui/ does).
package steps
