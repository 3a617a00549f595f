/**
 * The fictional government behind the demo: departments, teams and services, with the
 * practice-adoption plan that makes the dashboard tell a "months to hours" story.
 */

/** One demo service: a repository name and what it does, for incident titles. */
export interface ServiceEntry {
  repo: string;
  /** A short noun phrase, such as "appointment booking". */
  what: string;
  /** Relative amount of work on the service (1 = an average service). */
  activity: number;
}

export interface TeamEntry {
  id: string;
  name: string;
  services: readonly ServiceEntry[];
  /**
   * Days (on an 18-month history) at which the team reaches practice levels 1, 2, ...;
   * omitted to follow the department. A shorter list means the team stops improving.
   */
  levelUps?: readonly number[];
}

export interface DepartmentEntry {
  id: string;
  name: string;
  /** The GitHub organisation that owns the department's repositories. */
  owner: string;
  /** Days (on an 18-month history) at which the department reaches levels 1, 2, 3, 4. */
  levelUps: readonly number[];
  teams: readonly TeamEntry[];
}

const svc = (repo: string, what: string, activity = 1): ServiceEntry => ({ repo, what, activity });

/**
 * Health moves first and fastest, Transport follows, Revenue & Benefits starts late, and its
 * Legacy Payments team stalls at weekly releases: contrast for the executive page. Every
 * first level-up is after day 90, so each scope's baseline is the big-batch era.
 */
export const catalogue: readonly DepartmentEntry[] = [
  {
    id: 'health',
    name: 'Health',
    owner: 'gov-health',
    levelUps: [108, 190, 280, 365],
    teams: [
      {
        id: 'appointments',
        name: 'Appointments',
        services: [
          svc('appointments-api', 'appointment booking', 1.2),
          svc('appointments-web', 'the booking website', 1.1),
          svc('reminders-service', 'appointment reminders', 0.6),
        ],
      },
      {
        id: 'patient-records',
        name: 'Patient Records',
        services: [
          svc('records-api', 'the patient records API', 1.1),
          svc('records-search', 'records search', 0.8),
          svc('consent-service', 'consent preferences', 0.5),
          svc('document-store', 'clinical letters', 0.6),
        ],
      },
      {
        id: 'public-health-data',
        name: 'Public Health Data',
        services: [svc('vaccination-dashboard', 'the vaccination dashboard', 0.9), svc('outbreak-reporting', 'outbreak reporting', 0.7)],
      },
    ],
  },
  {
    id: 'transport',
    name: 'Transport',
    owner: 'gov-transport',
    levelUps: [125, 245, 355, 440],
    teams: [
      {
        id: 'licensing',
        name: 'Licensing',
        services: [
          svc('driving-licence-api', 'driving licence checks', 1.2),
          svc('licence-renewal-web', 'licence renewals', 1),
          svc('vehicle-tax-service', 'vehicle tax payments', 0.8),
        ],
      },
      {
        id: 'roads-journeys',
        name: 'Roads & Journeys',
        services: [
          svc('roadworks-map', 'the roadworks map', 0.8),
          svc('journey-planner-api', 'the journey planner', 1.1),
          svc('traffic-alerts', 'traffic alerts', 0.6),
        ],
      },
      {
        id: 'permits',
        name: 'Permits',
        services: [svc('parking-permits', 'parking permit applications', 0.7), svc('freight-permits', 'freight permits', 0.5)],
      },
    ],
  },
  {
    id: 'revenue-benefits',
    name: 'Revenue & Benefits',
    owner: 'gov-revenue',
    levelUps: [150, 290, 405, 480],
    teams: [
      {
        id: 'benefit-claims',
        name: 'Benefit Claims',
        services: [
          svc('claims-portal', 'benefit claims', 1.2),
          svc('eligibility-engine', 'eligibility checks', 0.9),
          svc('payments-scheduler', 'benefit payment scheduling', 0.7),
        ],
      },
      {
        id: 'tax-accounts',
        name: 'Tax Accounts',
        services: [svc('tax-account-web', 'the personal tax account', 1.1), svc('returns-api', 'tax return submissions', 0.9)],
      },
      {
        id: 'legacy-payments',
        name: 'Legacy Payments',
        levelUps: [230, 410],
        services: [
          svc('mainframe-bridge', 'the mainframe payments bridge', 0.6),
          svc('remittance-batch', 'nightly remittance files', 0.5),
          svc('fraud-signals', 'fraud signals', 0.6),
        ],
      },
    ],
  },
];

/** Incident titles; `{what}` becomes the service's noun phrase. No people, no real systems. */
export const incidentTitles: readonly string[] = [
  '{what} unavailable for some users',
  'Slow responses from {what}',
  'Error rate above threshold on {what}',
  'Data not refreshing in {what}',
  'Sign-in loop when using {what}',
  'Duplicate notifications sent by {what}',
  'Timeouts calling an upstream system from {what}',
  'Incorrect totals shown in {what}',
  'Accessibility regression in {what}',
  'Form submissions failing in {what}',
  'Welsh-language pages missing text in {what}',
  'Scheduled job did not run for {what}',
  'Search results incomplete in {what}',
  'Elevated memory use after release of {what}',
];
