/** The menu file read from the project folder (the same name `tierwise price menu` looks for). */
export const PROJECT_MENU_FILE_NAME = 'menu.yaml';
