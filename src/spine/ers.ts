// e-RS specification constants that the simulator (which answers with them) and the client rules (which expect them)
// share: one reading of the pages, in one place.

/** typeInfo of a ProfessionalSession (nhs/ers-2018-04_explore_models.md § ProfessionalSession Resource). */
export const SESSION_TYPE = "uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession";
