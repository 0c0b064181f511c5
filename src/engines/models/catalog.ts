/**
 * The models Earshot knows by name. Whisper entries are the ggml files whisper.cpp publishes,
 * with the SHA-1 sums from its models/README.md ("Available models"), so a pull is verified
 * against the upstream figure rather than whatever the server sends. File names keep whisper.cpp's
 * `ggml-<name>.bin` so a file fetched with its own download script can be dropped into the models
 * directory as is.
 */

export type ModelEngine = 'whisper' | 'pocketsphinx';

export type ChecksumAlgorithm = 'sha1' | 'sha256';

export interface Checksum {
  algorithm: ChecksumAlgorithm;
  /** Lower-case hex digest. */
  hex: string;
}

interface ModelBase {
  name: string;
  engine: ModelEngine;
  /** BCP-47-ish language: `en`, or `multi` for multilingual models. */
  language: string;
  /** Disk size from the upstream listing, for display; downloads trust Content-Length instead. */
  approxBytes: number;
  licence: string;
  description: string;
}

/** A model fetched over HTTP into the models directory by `earshot models pull`. */
export interface DownloadableModel extends ModelBase {
  kind: 'download';
  /** File name inside the models directory, also the last path segment of its URL. */
  file: string;
  checksum: Checksum;
}

/** A model a system package installs; Earshot only reports where it is and how to get it. */
export interface SystemModel extends ModelBase {
  kind: 'system';
  path: string;
  /** The command that installs it. */
  installCommand: string;
  removeCommand: string;
}

export type CatalogModel = DownloadableModel | SystemModel;

/** Where whisper.cpp's download script fetches its ggml files; `EARSHOT_MODELS_BASE_URL` overrides it. */
export const WHISPER_MODELS_BASE_URL = 'https://huggingface.co/ggerganov/whisper.cpp/resolve/main';

/** The model `earshot models pull` suggests when whisper has none: English, small, good enough. */
export const RECOMMENDED_WHISPER_MODEL = 'base.en';

const MIB = 1024 * 1024;

// OpenAI released the Whisper weights under MIT; whisper.cpp's conversions keep that licence.
function whisper(name: string, mib: number, sha1: string, description: string): DownloadableModel {
  return {
    kind: 'download',
    name,
    engine: 'whisper',
    language: name.includes('.en') ? 'en' : 'multi',
    approxBytes: Math.round(mib * MIB),
    licence: 'MIT',
    description,
    file: `ggml-${name}.bin`,
    checksum: { algorithm: 'sha1', hex: sha1 },
  };
}

/** Smallest first, which is also the order `models list` prints. */
export const MODEL_CATALOG: readonly CatalogModel[] = [
  {
    kind: 'system',
    name: 'en-us',
    engine: 'pocketsphinx',
    language: 'en',
    approxBytes: 37 * MIB,
    licence: 'BSD-2-Clause',
    description: "CMU Sphinx US English acoustic model, language model and dictionary (Debian's pocketsphinx-en-us)",
    path: '/usr/share/pocketsphinx/model/en-us',
    installCommand: 'apt-get install pocketsphinx-en-us',
    removeCommand: 'apt-get remove pocketsphinx-en-us',
  },
  whisper('tiny.en', 75, 'c78c86eb1a8faa21b369bcd33207cc90d64ae9df', 'Whisper tiny, English only: fastest, least accurate'),
  whisper('tiny', 75, 'bd577a113a864445d4c299885e0cb97d4ba92b5f', 'Whisper tiny, multilingual'),
  whisper('base.en', 142, '137c40403d78fd54d454da0f9bd998f78703390c', 'Whisper base, English only: the recommended start'),
  whisper('base', 142, '465707469ff3a37a2b9b8d8f89f2f99de7299dac', 'Whisper base, multilingual'),
  whisper('small.en', 466, 'db8a495a91d927739e50b3fc1cc4c6b8f6c2d022', 'Whisper small, English only'),
  whisper('small', 466, '55356645c2b361a969dfd0ef2c5a50d530afd8d5', 'Whisper small, multilingual'),
  whisper('large-v3-turbo-q5_0', 547, 'e050f7970618a659205450ad97eb95a18d69c9ee', 'Whisper large-v3 turbo, 5-bit quantised'),
  whisper('medium.en', 1.5 * 1024, '8c30f0e44ce9560643ebd10bbe50cd20eafd3723', 'Whisper medium, English only'),
  whisper('medium', 1.5 * 1024, 'fd9727b6e1217c2f614f9b698455c4ffd82463b4', 'Whisper medium, multilingual'),
  whisper('large-v3-turbo', 1.5 * 1024, '4af2b29d7ec73d781377bfd1758ca957a807e941', 'Whisper large-v3 turbo: near large-v3 accuracy, much faster'),
  whisper('large-v3', 2.9 * 1024, 'ad82bf6a9043ceed055076d0fd39f5f186ff8062', 'Whisper large-v3: most accurate, slowest'),
];

export function findCatalogModel(name: string): CatalogModel | undefined {
  return MODEL_CATALOG.find((m) => m.name === name);
}

/** The download URL of a model under a base URL (a mirror, or a local server in tests). */
export function modelUrl(model: DownloadableModel, baseUrl: string = WHISPER_MODELS_BASE_URL): string {
  return `${baseUrl.replace(/\/+$/, '')}/${model.file}`;
}

export { formatBytes } from '../../format-bytes.js';
