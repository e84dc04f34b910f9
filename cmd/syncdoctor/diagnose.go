package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/safetext"

	"github.com/spf13/cobra"
)

// userFlags are the flags that name one user's case, shared by diagnose and fix.
type userFlags struct {
	snapshot string
	user     string
	target   string
	idpError string
	json     bool
}

func (f *userFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.snapshot, "snapshot", "", "work on the simulated org in this snapshot file")
	fl.StringVar(&f.user, "user", "", "the user: an email or an Atlassian account id (required)")
	fl.StringVar(&f.target, "target", "", "the email the account should have")
	fl.StringVar(&f.idpError, "idp-error", "", "the error text pasted from the IdP's provisioning log; the target is read from it when --target is missing")
	fl.BoolVar(&f.json, "json", false, "print JSON (contract §2)")
}

func (f *userFlags) request() (diagnose.Request, error) {
	if strings.TrimSpace(f.user) == "" {
		return diagnose.Request{}, badInput(errors.New("--user is required: an email or an account id"))
	}
	if f.target == "" && f.idpError == "" {
		return diagnose.Request{}, badInput(errors.New("say what the email should become: --target EMAIL or --idp-error TEXT"))
	}
	return diagnose.Request{User: strings.TrimSpace(f.user), Target: strings.TrimSpace(f.target), IdpError: f.idpError}, nil
}

func newDiagnoseCommand(a *app) *cobra.Command {
	var f userFlags
	cmd := &cobra.Command{
		Use:   "diagnose",
		Short: "Classify why one user's email does not update, and show the fix plan",
		Example: `  syncdoctor diagnose --user yuki.tanaka@acme.com --target yuki.t@acme.com
  syncdoctor diagnose --user 712020:5f1a... --idp-error "$(cat entra-log.txt)" --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := f.request()
			if err != nil {
				return err
			}
			org, err := openOrg(cmd.Context(), a, f.snapshot)
			if err != nil {
				return err
			}
			defer org.Close()
			d, err := diagnose.Diagnose(cmd.Context(), org.Client, req, org.Hints, nil)
			if err != nil {
				return diagnosisError(err)
			}
			if f.json {
				return writeJSON(a.stdout, func() ([]byte, error) { return d.JSON(org.Ref()) })
			}
			printSimulated(a.stdout, org, f.snapshot)
			printDiagnosis(a.stdout, d)
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

// diagnosisError keeps bad input (exit 2) apart from an unreadable org
// (exit 1), which it says in plain words with what to check.
func diagnosisError(err error) error {
	var in *diagnose.InputError
	switch {
	case errors.As(err, &in):
		return badInput(err)
	case errors.Is(err, context.Canceled):
		return &interruptedError{err: errors.New("interrupted while reading the org: nothing was changed")}
	}
	return &advisedError{err: err, advice: diagnose.Advice(err)}
}

// advisedError reads as the advice for err, and unwraps to it.
type advisedError struct {
	err    error
	advice string
}

func (e *advisedError) Error() string { return e.advice }
func (e *advisedError) Unwrap() error { return e.err }

func writeJSON(w io.Writer, marshal func() ([]byte, error)) error {
	data, err := marshal()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}

// printDiagnosis prints the diagnosis for people. Every value from the
// org is cleaned (safetext.Clean) as it is printed: a display name carrying
// an escape sequence shows it as \x1b[... and does not run it.
func printDiagnosis(w io.Writer, d *diagnose.Diagnosis) {
	clean := safetext.Clean
	if d.User != nil {
		fmt.Fprintf(w, "User      %s <%s>  %s\n", clean(d.User.Name), clean(d.User.Email), clean(d.User.AccountID))
	}
	fmt.Fprintf(w, "Target    %s\n", clean(d.Target))
	fmt.Fprintf(w, "Verdict   %s\n", d.Verdict)
	why := diagnose.Explain(d)
	fmt.Fprintf(w, "          %s\n", clean(why.Headline))
	if why.Situation != "" {
		fmt.Fprintf(w, "          %s\n", clean(why.Situation))
	}
	if len(d.Findings) > 0 {
		fmt.Fprintln(w, "\nFindings")
		for _, fd := range d.Findings {
			fmt.Fprintf(w, "  - %s: %s\n", fd.Code, clean(fd.Detail))
		}
	}
	if len(d.Evidence) > 0 {
		fmt.Fprintln(w, "\nEvidence")
		for i, e := range d.Evidence {
			fmt.Fprintf(w, "  [%d] %s\n      %s\n", i+1, clean(e.Call), clean(e.Answer))
		}
	}
	if len(d.Plan) > 0 {
		fmt.Fprintln(w, "\nPlan")
		for i, s := range d.Plan {
			mark := ""
			if s.Destructive {
				mark = "  (changes the org)"
			}
			fmt.Fprintf(w, "  %d. [%s] %s%s\n", i+1, s.Kind, clean(s.Title), mark)
		}
	}
}
