/** The model file's name, on its own so that the CLI can name it without loading the model reader. */
export const MODEL_FILE_NAME = 'tierwise.yaml';
