package bulk

import (
	"bytes"
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
          "detail": "Cat@NewCo.com, which holds cat@newco.com, has product access (jira-software, confluence): accounts cannot be merged, so its work stays with it under the placeholder."
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
