// Package fixes holds the concrete fix steps, one per step id of the plan
// vocabulary (steps.StepID), and their Registry: each step's calls for a dry
// run, its check of the org right before it acts, the change itself
// (through run.Env, journaled), and the read-back that verifies it.
package fixes
