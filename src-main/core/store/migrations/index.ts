import { migration001 } from './001_initial.js';
import { migration002 } from './002_media.js';
import { migration003 } from './003_analysis_run.js';
import { migration004 } from './004_face_obs.js';
import { migration005 } from './005_voice_obs.js';
import { migration006 } from './006_fused_episodes.js';
import { migration007 } from './007_labels.js';
import { migration008 } from './008_governance.js';
import { migration009 } from './009_audit_chain.js';
import { migration010 } from './010_corpus.js';
import { migration011 } from './011_queue_jobs.js';
import { migration012 } from './012_contempt.js';
import { migration013 } from './013_face_geometry.js';
import { migration014 } from './014_session_framing.js';
import type { Migration } from './types.js';

/** All schema steps in order. Add a line per new migration; never edit one that has shipped. */
export const migrations: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010, migration011, migration012, migration013, migration014];

export type { Migration } from './types.js';
