import { describeFixtures } from './run-torch-fixtures';

describeFixtures('margin');
