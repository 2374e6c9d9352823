// NRLS specification constants that the simulator (which checks pointers against them) and the client rules (which
// judge a supplier's pointers by them) share: one reading of the pages, in one place.

/** The base of a pointer's subject (nhs/stu3assets_NRLS-DocumentReference-1_v1.1.0_SUMMARY.md § subject). */
export const PATIENT_BASE = "https://demographics.spineservices.nhs.uk/STU3/Patient/";
/** The base of its author and custodian references (§ author, custodian). */
export const ORG_BASE = "https://directory.spineservices.nhs.uk/STU3/Organization/";
/** The record type of NRLS-RecordType-1 the suites and fixtures use (nhs/stu3assets_ValueSet-NRLS-RecordType-1.xml.md). */
export const RECORD_TYPE = { system: "http://snomed.info/sct", code: "736253002" };
